/* `chanmul compare`: see compare_cli.c and README.md ("Regression testing"). */
#ifndef CHANMUL_COMPARE_CLI_H
#define CHANMUL_COMPARE_CLI_H

/* argv[0] is "compare". Returns the exit code: 0 nothing regressed, 1 a
 * regression, 2 bad input, 3 inconclusive only. */
int cmd_compare(int argc, char **argv);

#endif
