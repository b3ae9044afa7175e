/*
 * The verbs `chanmul tune` (measure, write a selection file) and `chanmul
 * explain` (what `auto` runs for one problem, and why); their options are read
 * by tune_args.c.
 */
#include "chanmul_internal.h"
#include "cli.h"
#include "files.h"
#include "interrupt.h"
#include "paths.h"
#include "selection.h"
#include "shape.h"
#include "tuner.h"
#include "verb_args.h"

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
    tune_args a;
    int status = tune_parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    const char *out = a.out;
    const tune_profile *profile = a.profile;
    int op = a.op, quiet = a.quiet;
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
    explain_args a;
    int status = explain_parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    chanmul_problem p = a.p;
    int threads = a.threads;
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
