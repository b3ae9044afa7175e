/* The command lines of `chanmul tune` and `chanmul explain`, read
 * (verb_args.h). The verbs are in tune_cli.c. */
#include "verb_args.h"

#include "shape.h"

#include <stdio.h>
#include <string.h>

int tune_parse_args(int argc, char **argv, tune_args *a)
{
    const char *profile_name = "quick", *v;
    memset(a, 0, sizeof *a);
    a->op = -1;
    for (int i = 1; i < argc; i++) {
        int rc;
        if ((rc = cli_option(argc, argv, &i, "--profile", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            profile_name = v;
        } else if ((rc = cli_option(argc, argv, &i, "--out", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            if (!*v) {
                fprintf(stderr, "chanmul tune: --out needs a file name\n");
                return EXIT_USAGE;
            }
            a->out = v;
        } else if ((rc = cli_op_option(argc, argv, &i, "chanmul tune", 1, &a->op)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            a->quiet = 1;
        } else if (cli_is_help(argv[i])) {
            char ops[256];
            printf("usage: chanmul tune [--profile %s] [--out FILE] [--op %s|all] [--quiet]\n"
                   "  measures every implementation auto may pick over the profile's grid and\n"
                   "  writes the selection file (default: $CHANMUL_TUNING, else %s)\n",
                   tune_profile_names(), cli_op_names(ops, sizeof ops), "$XDG_CACHE_HOME/chanmul/selection.json");
            return 0;
        } else {
            fprintf(stderr, "chanmul tune: unknown option '%s' (see chanmul tune --help)\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (a->op >= 0 && chanmul_op_info_of((chanmul_op)a->op)->broadcast) {
        fprintf(stderr, "chanmul tune: op %s is not tuned (its problems are pairs of shapes, not points of "
                "the grid): auto runs stream for it by its heuristic\n", chanmul_op_name((chanmul_op)a->op));
        return EXIT_USAGE;
    }
    a->profile = tune_profile_find(profile_name);
    if (!a->profile) {
        fprintf(stderr, "chanmul tune: unknown profile '%s' (expected %s)\n", profile_name,
                tune_profile_names());
        return EXIT_USAGE;
    }
    return -1;
}

int explain_parse_args(int argc, char **argv, explain_args *a)
{
    chanmul_problem *p = &a->p;
    int have_shape = 0, have_layout = 0, op = CHANMUL_OP_SCALE, have_shape2 = 0;
    chanmul_layout layout = CHANMUL_NHWC;
    chanmul_shape shape2;
    const char *v;
    memset(a, 0, sizeof *a);
    *p = (chanmul_problem){CHANMUL_OP_SCALE, CHANMUL_NHWC, 0, 0, 0, 0};
    for (int i = 1; i < argc; i++) {
        int rc;
        if ((rc = cli_shape_option(argc, argv, &i, "chanmul explain", p)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            have_shape = 1;
        } else if ((rc = cli_shape2_option(argc, argv, &i, "chanmul explain", &shape2)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            have_shape2 = 1;
        } else if ((rc = cli_layout_option(argc, argv, &i, "chanmul explain", &layout)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            have_layout = 1;
        } else if ((rc = cli_op_option(argc, argv, &i, "chanmul explain", 0, &op)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if ((rc = cli_option(argc, argv, &i, "--threads", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (int_parse(v, &a->threads) != 0) {
                fprintf(stderr, "chanmul explain: --threads takes a non-negative integer, not '%s'\n",
                        rc < 0 ? "" : v);
                return EXIT_USAGE;
            }
        } else if (cli_is_help(argv[i])) {
            char ops[256];
            printf("usage: chanmul explain --shape NxHxWxC --layout nhwc|nchw [--threads T] "
                   "[--op %s] [--shape2 DIMS]\n"
                   "  what auto runs for that problem, where the choice comes from, the runner-up\n"
                   "  and the measured margin\n",
                   cli_op_names(ops, sizeof ops));
            return 0;
        } else {
            fprintf(stderr, "chanmul explain: unknown option '%s' (see chanmul explain --help)\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!have_shape || !have_layout) {
        fprintf(stderr, "chanmul explain: --shape and --layout are required\n");
        return EXIT_USAGE;
    }
    p->op = (chanmul_op)op;
    p->layout = layout;
    if (cli_shapes_resolve("chanmul explain", p, op, have_shape, have_shape2, &shape2))
        return EXIT_USAGE;
    return -1;
}
