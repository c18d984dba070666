/* Shared pieces of dacc vuln (private to src/cli). */
#ifndef DACC_VULN_CLI_H
#define DACC_VULN_CLI_H

/* Exit status when a scan finds an affected package (0: none, 1: error,
 * 2: usage), as scanners do (osv-scanner, grype --fail-on). */
enum { VULN_EXIT_VULNERABLE = 3 };

int cmd_vuln_scan(int argc, char **argv);
int cmd_vuln_match(int argc, char **argv);

#endif
