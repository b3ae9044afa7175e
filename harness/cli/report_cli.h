/* `chanmul report`'s command line (the verb is cmd_report, report.h). */
#ifndef CHANMUL_REPORT_CLI_H
#define CHANMUL_REPORT_CLI_H

typedef struct report_args {
    const char **files; /* the results files, in command-line order; argc + 1 of them fit */
    int nfiles;
    const char *out, *plots, *baseline, *selection; /* out and plots: set to the defaults first */
} report_args;

/* Reads the command line (argv[0] "report") into a, whose files array the
 * caller allocated, and nothing else: no file is read or written (the fuzz
 * target calls it alone). Returns -1 to go on, else the exit code (0 after
 * --help) after printing why. */
int report_parse_args(int argc, char **argv, report_args *a);

#endif
