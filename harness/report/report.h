/* `chanmul report`: results files -> report.md and gnuplot plots. */
#ifndef CHANMUL_REPORT_H
#define CHANMUL_REPORT_H

/* chanmul report [RESULTS.json ...] [--out FILE] [--plots DIR]
 * argv[0] is "report". Returns 0, or 2 (EXIT_USAGE) on bad usage or a results
 * file that cannot be read; the report is then not written. */
int cmd_report(int argc, char **argv);

#endif
