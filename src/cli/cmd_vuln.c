/* dacc vuln: match software inventories against OSV advisories; the
 * version orderings on their own. The declaration of the command. */
#include <stdio.h>
#include <string.h>

#include "dacc/vuln.h"

#include "cli.h"
#include "spec.h"
#include "vuln_cli.h"

static int cmd_compare(int argc, char **argv)
{
    cli_parser p;
    cli_parse_begin(&p, &cli_spec_vuln, "compare-versions", argc, argv);
    int ch;
    while ((ch = cli_next(&p)) > 0)
        ;
    if (ch < 0)
        return ch == CLI_NEXT_HELP ? CLI_OK : CLI_USAGE;
    const char *prog = cli_prog(&p);
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

static const cli_opt vuln_opts[] = {
    { "db", 'd', "PATH", 'd', NULL,
      "OSV advisories: a .json record (or an array of records), a .zip as osv.dev publishes "
      "them, or a directory of those, searched recursively",
      "scan,match", CLI_REQ_ALL | CLI_REPEAT, NULL },
    { "format", 'f', "FORMAT", 'f', "text", "how to print the report; sarif writes SARIF 2.1.0",
      "scan,match", 0, "text json sarif" },
    CLI_OPT_OUTPUT("scan,match"),
    { "sign", 0, "KEY", 'S', NULL,
      "write, instead of the report, an in-toto vulns v0.2 statement in a DSSE envelope signed "
      "with the Ed25519 KEY (dacc log keygen)",
      "scan,match", 0, NULL },
    { "log", 0, "DIR", 'L', NULL,
      "with --sign: append the envelope to the transparency log in DIR (dacc log init), so the "
      "scan is on record; its index goes to standard error",
      "scan,match", 0, NULL },
    { "debian-release", 'r', "N", 'r', NULL,
      "the Debian release of dpkg inventories (default: VERSION_ID of /etc/os-release when ID "
      "is debian)",
      "scan", 0, NULL },
    CLI_OPT_QUIET("scan,match"),
};

static const cli_sub vuln_subs[] = {
    { "scan", "match inventories (dpkg status, go.mod, lockfiles, SBOMs) against advisories",
      "[[KIND:]INVENTORY...]",
      "Match what is installed against OSV advisories by the schema's evaluation,\n"
      "each ecosystem in its own version ordering, and report every advisory that\n"
      "affects a package: id, aliases, range, fixed version and why it matched.\n"
      "Without INVENTORY: this machine's /var/lib/dpkg/status. An inventory's kind\n"
      "comes from its name (status, go.mod, go.sum, package-lock.json,\n"
      "requirements*.txt, *.cdx.json, bom.json) or a KIND: prefix: dpkg, gomod,\n"
      "gosum, npm, requirements, cyclonedx. Debian packages match by source package\n"
      "and source version, as Debian's advisories name them, and advisories scoped to\n"
      "a release (\"Debian:12\") only on that release.",
      cmd_vuln_scan },
    { "match", "check one package version against advisories", "ECOSYSTEM NAME VERSION",
      "Check one package version, as scan does for each package of an inventory.\n"
      "ECOSYSTEM is Debian, Debian:N (a release), Go, npm or PyPI; a Debian NAME is a\n"
      "source package.",
      cmd_vuln_match },
    { "compare-versions", "order two versions: Debian, SemVer/Go, PEP 440, npm", "SCHEME A B",
      "Print <, = or > as version A sorts before, equal to or after B in SCHEME's\n"
      "ordering, each exact to its specification: debian (or dpkg), deb-version(7) as\n"
      "dpkg --compare-versions orders; semver (or go), SemVer 2.0.0 with a leading v\n"
      "and +incompatible as Go uses them; pep440 (or pypi), PEP 440 as Python's\n"
      "packaging library orders; npm, node-semver's ordering. A version the scheme\n"
      "does not allow is an error (exit status 1), saying why.",
      cmd_compare },
};

static const cli_section vuln_sections[] = {
    { "DESCRIPTION",
      "Every advisory is evaluated by the OSV schema's algorithm: an affected entry\n"
      "holds when the version is listed in its versions, or when walking its range\n"
      "events in the ecosystem's ordering leaves it introduced and not yet fixed (or\n"
      "at most last_affected). Withdrawn advisories never match. Findings are listed\n"
      "package by package in the inventory's order, each package's advisories in the\n"
      "natural order of their ids.\n"
      ".PP\n"
      "A scan reports, in JSON, the number of advisories read, their digest (SHA\\-256\n"
      "over every id and modified time, sorted by id) and the newest modified time,\n"
      "so that a report says which data it was made from.\n" },
    { "SIGNED RESULTS",
      "With\n"
      ".B \\-\\-sign\n"
      "the output is an in\\-toto statement (predicate type vulns v0.2) naming each\n"
      "inventory file by its SHA\\-256, in a DSSE envelope whose key id is the\n"
      "signer's public key.\n"
      ".B \\-\\-log\n"
      "appends that envelope to a plain transparency log (one made by\n"
      ".BR \"dacc log init\" );\n"
      "a round log is refused, and nothing is written when the append fails.\n" },
    { "EXIT STATUS",
      "0 when nothing is affected (compare\\-versions: the versions were compared),\n"
      "1 on an error (the message names the file, line and field), 2 on a usage\n"
      "error, 3 when scan or match found affected packages, as scanners have it\n"
      "(osv\\-scanner, grype \\-\\-fail\\-on): a script tells \"vulnerable\" from\n"
      "\"could not scan\".\n" },
    { "FILES", ".I docs/vuln.md\n"
               "in the source tree describes the orderings, the evaluation, the inventories\n"
               "and the report formats in full.\n" },
    { "SEE ALSO", ".BR dacc (1),\n"
                  ".BR dacc\\-log (1),\n"
                  ".BR dpkg (1)\n" },
};

const cli_spec cli_spec_vuln = {
    .name = "vuln",
    .summary = "match inventories against OSV advisories; signed, logged scan results",
    .description = "Match software inventories against OSV advisories, exactly: each ecosystem's\n"
                   "version ordering as its own tools have it (docs/vuln.md).",
    CLI_SUBS(vuln_subs),
    CLI_OPTS(vuln_opts),
    CLI_SECTIONS(vuln_sections),
    .footer = "Exit status: 0 on success (scan, match: nothing affected), 1 on an error,\n"
              "2 on a usage error, 3 when scan or match found affected packages.\n",
};

int cmd_vuln(int argc, char **argv)
{
    return cli_spec_run(&cli_spec_vuln, argc, argv);
}
