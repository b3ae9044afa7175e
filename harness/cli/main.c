/* chanmul: the command-line front end, its command table. See README.md for the commands. */
#include "build_info.h"
#include "cli.h"
#include "compare_cli.h"
#include "plugin.h"
#include "report.h"

#include <stdio.h>
#include <string.h>

/* ---- main ------------------------------------------------------------------------ */

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    int warns_isa_cap; /* run() does not warn about a bad CHANMUL_MAX_ISA itself */
} command;

static const command commands[] = {
    {"list", cmd_list, "every implementation, whether it runs on this CPU, and why not", 0},
    {"verify", cmd_verify, "prove implementations bit-exact against the reference", 0},
    {"bench", cmd_bench, "time implementations at one shape beside memcpy (Google Benchmark)", 1},
    {"sweep", cmd_sweep, "throughput over batch x channels x layouts x threads into results/", 1},
    {"tune", cmd_tune, "measure every kernel over a grid into the selection file auto reads", 1},
    {"probe", cmd_probe, "measure the effective L2 and LLC sizes into the probe file the library reads", 0},
    {"explain", cmd_explain, "what auto runs for one problem, where the choice comes from, the margin", 0},
    {"report", cmd_report, "results files -> report.md and gnuplot plots", 0},
    {"compare", cmd_compare, "regression verdict between results (or two builds, paired); exit 1 on a regression", 0},
};

static void usage(FILE *out)
{
    fprintf(out, "chanmul %s (%s): channel-wise broadcast multiply, benchmarked and verified\n",
            CHANMUL_VERSION, CHANMUL_GIT_REVISION);
    fprintf(out, "usage: chanmul COMMAND [options]   (chanmul COMMAND --help for its options)\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (cli_is_help(argv[1])) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("chanmul %s (%s)\n", CHANMUL_VERSION, CHANMUL_GIT_REVISION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            if (commands[i].warns_isa_cap) {
                char cmd[64];
                snprintf(cmd, sizeof cmd, "chanmul %s", commands[i].name);
                cli_warn_isa_cap(cmd);
            }
            int rc = commands[i].run(argc - 1, argv + 1);
            /* every command's plugins, loaded or half-loaded, freed in this one place */
            plugin_free_all();
            return rc;
        }
    fprintf(stderr, "chanmul: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
