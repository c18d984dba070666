/* dacc vuln: match software inventories against OSV advisories; the
 * version orderings on their own. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "dacc/vuln.h"

#include "cli.h"
#include "vuln_cli.h"

static int cmd_compare(int argc, char **argv)
{
    static const char
        prog[] = "dacc vuln compare-versions",
        usage[] = "Usage: dacc vuln compare-versions SCHEME A B\n"
                  "\n"
                  "Prints <, = or > as version A sorts before, equal to or after B in\n"
                  "SCHEME's ordering, each exact to its specification:\n"
                  "  debian (dpkg)  deb-version(7), as dpkg --compare-versions\n"
                  "  semver (go)    SemVer 2.0.0; a leading v and +incompatible as Go uses\n"
                  "  pep440 (pypi)  PEP 440, as Python's packaging library orders\n"
                  "  npm            node-semver's ordering\n"
                  "A version the scheme does not allow is an error (exit 1), saying why.\n"
                  "  -h, --help     show this help\n";
    static const struct option longs[] = { { "help", no_argument, NULL, 'h' },
                                           { NULL, 0, NULL, 0 } };
    int ch;
    while ((ch = getopt_long(argc, argv, "+h", longs, NULL)) != -1)
        return ch == 'h' ? cli_help(usage) : cli_usage(prog, "unknown option");
    if (argc - optind != 3)
        return cli_usage(prog, "expected SCHEME A B");
    dacc_vuln_scheme s;
    dacc_error err;
    int c;
    if (dacc_vuln_scheme_parse(argv[optind], &s, &err) != DACC_OK)
        return cli_usage(prog, "%s", err.message);
    if (dacc_vuln_compare(s, argv[optind + 1], argv[optind + 2], &c, &err) != DACC_OK)
        return cli_fail(prog, &err);
    puts(c < 0 ? "<" : c > 0 ? ">" : "=");
    return CLI_OK;
}

int cmd_vuln(int argc, char **argv)
{
    static const cli_command cmds[] = {
        { "scan", "match inventories (dpkg status, go.mod, lockfiles, SBOMs) against advisories",
          cmd_vuln_scan },
        { "match", "check one package version against advisories", cmd_vuln_match },
        { "compare-versions", "order two versions: Debian, SemVer/Go, PEP 440, npm", cmd_compare },
    };
    return cli_dispatch("dacc vuln",
                        "Match software against OSV advisories, exactly (docs/vuln.md). Exit "
                        "status: 0 nothing affected, 1 error, 2 usage, 3 affected.",
                        cmds, sizeof cmds / sizeof cmds[0], argc, argv);
}
