/*
 * The verbs `chanmul tune` (measure, write a selection file) and `chanmul
 * explain` (what `auto` runs for one problem, and why).
 */
#include "chanmul_internal.h"
#include "cli.h"
#include "files.h"
#include "interrupt.h"
#include "paths.h"
#include "selection.h"
#include "shape.h"
#include "tuner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The command line as one string, for the file's "command". */
static void join_command(int argc, char **argv, char *buf, size_t len)
{
    size_t used = (size_t)snprintf(buf, len, "chanmul");
    for (int i = 0; i < argc && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, " %s", argv[i]);
}

int cmd_tune(int argc, char **argv)
{
    const char *out = NULL, *profile_name = "quick", *v;
    int op = -1, quiet = 0;
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
            out = v;
        } else if ((rc = cli_op_option(argc, argv, &i, "chanmul tune", 1, &op)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(argv[i], "--help") == 0) {
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
    if (op >= 0 && chanmul_op_info_of((chanmul_op)op)->broadcast) {
        fprintf(stderr, "chanmul tune: op %s is not tuned (its problems are pairs of shapes, not points of "
                "the grid): auto runs stream for it by its heuristic\n", chanmul_op_name((chanmul_op)op));
        return EXIT_USAGE;
    }
    const tune_profile *profile = tune_profile_find(profile_name);
    if (!profile) {
        fprintf(stderr, "chanmul tune: unknown profile '%s' (expected %s)\n", profile_name,
                tune_profile_names());
        return EXIT_USAGE;
    }
    char default_path[1024];
    if (!out)
        out = getenv("CHANMUL_TUNING");
    if (!out || !*out)
        out = chanmul_selection_default_path(default_path, sizeof default_path);
    if (!out) {
        fprintf(stderr, "chanmul tune: no --out, and neither CHANMUL_TUNING nor HOME is set\n");
        return EXIT_USAGE;
    }
    /* the destination must be writable before minutes of measuring */
    if (cli_check_output("chanmul tune", "--out", out, 1) != 0)
        return EXIT_USAGE;
    char dir[1024];
    path_parent_dir(out, dir, sizeof dir);
    if (path_mkdirs(dir) != 0) {
        fprintf(stderr, "chanmul tune: cannot create the folder '%s' for '%s': %s\n", dir, out,
                strerror(errno));
        return EXIT_USAGE;
    }
    char command[512];
    join_command(argc, argv, command, sizeof command);
    interrupt_install("chanmul tune", out);
    cli_ensure_cache_probe("tune"); /* the streaming-store ladder is sized from the LLC */
    tune_options o = {profile, op, !quiet, command, quiet ? NULL : stdout};
    chanmul_selection sel;
    int err = tune_run(&o, &sel);
    if (err) {
        fprintf(stderr, "chanmul tune: %s\n", chanmul_strerror(err));
        return EXIT_VERDICT;
    }
    char *text = chanmul_selection_format(&sel);
    size_t entries = sel.count;
    chanmul_tunables tun = sel.tunables;
    chanmul_selection_free(&sel);
    if (!text || file_write_atomic(out, text, strlen(text)) != 0) {
        fprintf(stderr, "chanmul tune: cannot write '%s': %s\n", out, text ? strerror(errno) : "out of memory");
        free(text);
        return EXIT_USAGE;
    }
    free(text);
    interrupt_output_written();
    printf("tune: %zu entries, a second thread from %zu elements, streaming stores past %zu bytes "
           "(0: stream's default) -> %s\n",
           entries, tun.min_elements_per_thread, tun.nontemporal_min_bytes, out);
    return 0;
}

static const char *source_name(chanmul_choice_source s)
{
    switch (s) {
    case CHANMUL_CHOICE_FORCED: return "forced (CHANMUL_IMPL)";
    case CHANMUL_CHOICE_FILE: return "selection file";
    case CHANMUL_CHOICE_HEURISTIC: return "heuristic";
    }
    return "unknown";
}

int cmd_explain(int argc, char **argv)
{
    chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 0, 0, 0, 0};
    int have_shape = 0, have_layout = 0, threads = 0, op = CHANMUL_OP_SCALE, have_shape2 = 0;
    chanmul_layout layout = CHANMUL_NHWC;
    chanmul_shape shape2;
    const char *v;
    for (int i = 1; i < argc; i++) {
        int rc;
        if ((rc = cli_shape_option(argc, argv, &i, "chanmul explain", &p)) != 0) {
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
            if (int_parse(v, &threads) != 0) {
                fprintf(stderr, "chanmul explain: --threads takes a non-negative integer, not '%s'\n",
                        rc < 0 ? "" : v);
                return EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--help") == 0) {
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
    p.op = (chanmul_op)op;
    p.layout = layout;
    if (cli_shapes_resolve("chanmul explain", &p, op, have_shape, have_shape2, &shape2))
        return EXIT_USAGE;
    chanmul_choice c;
    int err = chanmul_auto_choose(&p, threads, &c);
    if (err) {
        fprintf(stderr, "chanmul explain: %s\n", chanmul_strerror(err));
        return EXIT_USAGE;
    }
    char shape[96];
    int resolved = chanmul_resolve_threads(threads);
    printf("problem: %s %s %s, %d thread%s\n", chanmul_op_name(p.op), chanmul_layout_name(p.layout),
           shape_format(&p, shape, sizeof shape), resolved, resolved == 1 ? "" : "s");
    printf("choice: %s\n", c.impl->name);
    printf("source: %s\n", source_name(c.source));
    printf("selection file: %s\n", chanmul_selection_status());
    printf("why: %s\n", c.why);
    if (c.source == CHANMUL_CHOICE_FILE) {
        chanmul_problem r = c.region;
        printf("region: %s %s, %d thread%s\n", chanmul_layout_name(r.layout), shape_format(&r, shape, sizeof shape),
               c.region_threads, c.region_threads == 1 ? "" : "s");
    }
    if (c.measured)
        printf("expected regret: %+.1f%% (the pick's time over the fastest's, over %d grid point%s)\n",
               100 * c.expected_regret, c.grid_points, c.grid_points == 1 ? "" : "s");
    if (c.measured && c.runner_up && isfinite(c.margin_low))
        printf("runner-up: %s, measured margin %+.1f%% [%+.1f%%, %+.1f%%]%s\n", c.runner_up->name,
               100 * c.margin, 100 * c.margin_low, 100 * c.margin_high,
               c.tie ? " (a tie: the simpler kernel taken)" : "");
    else if (c.measured && c.runner_up)
        printf("runner-up: %s, expected margin %+.1f%%%s\n", c.runner_up->name, 100 * c.margin,
               c.tie ? " (a tie: the simpler kernel taken)" : "");
    else
        printf("runner-up: none measured\n");
    if (c.impl == chanmul_impl_find("stream"))
        printf("stream tunables: second thread from %zu elements, streaming stores past %zu bytes "
               "(0: the built-in default)\n",
               c.tunables.min_elements_per_thread, c.tunables.nontemporal_min_bytes);
    return 0;
}
