/*
 * The command line (harness/cli/). The input is a command line, its words
 * separated by NUL or newline; the first word is the verb, as main() passes
 * it (argv[0] of the verb's own argv). Another first word: nothing is run
 * (main refuses an unknown command before any verb reads anything).
 *
 * Every verb's whole command-line reader, which reads and nothing else (no
 * file read or written, no plugin loaded, no probe, no signal handler):
 * compare_parse_args and report_parse_args (compare_cli.h, report_cli.h),
 * and list, verify, bench, sweep, tune, explain and probe's
 * <verb>_parse_args (verb_args.h). The verb itself would go on from where the
 * reader returned -1. --plugin's paths are read but no plugin is loaded:
 * loading one is dlopen of a path, glibc's loader, and its refusals are
 * ctest's plugin_* tests; the targets are built (cli_targets) when no
 * --plugin was given, as the verb would.
 *
 * Properties: a reader never reads past argv (ASan); what a verb accepts is
 * within its documented bounds (threads >= 0, repetitions >= 1, --min-time
 * in (0, 3600], offsets 0..15, the profile found, output paths non-empty, at
 * most MAX_PLUGINS plugins, the strings it keeps pointing into argv); what
 * the readers accept is what the library accepts (a bcast problem a verb
 * resolves is a valid descriptor, any other op's problem NxHxWxC; the
 * targets cover the op); list and probe go on exactly when given nothing;
 * compare's and report's results stay within their bounds.
 */
#include "fuzz_input.h"

#include "cli.h"
#include "compare_cli.h"
#include "report_cli.h"
#include "shape.h"
#include "verb_args.h"

#include "chanmul.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* the usage texts of --help: not needed, only slow (libFuzzer's own
     * output and the sanitizers' reports go to stderr) */
    return freopen("/dev/null", "w", stdout) ? 0 : 1;
}

static int in_argv(int argc, char **argv, const char *s)
{
    for (int i = 0; i < argc; i++)
        if (argv[i] == s)
            return 1;
    return 0;
}

static void check_compare(int argc, char **argv)
{
    compare_args a;
    if (compare_parse_args(argc, argv, &a) >= 0)
        return; /* a usage error or --help: nothing more was promised */
    FUZZ_CHECK(a.o.threshold > 0 && a.o.threshold < 1 && a.o.alpha > 0 && a.o.alpha < 1);
    FUZZ_CHECK(a.rounds >= 2 && a.rounds <= MAX_RUNS_PER_SIDE);
    if (a.old_exe) {
        FUZZ_CHECK(a.new_exe && a.run_argc >= 1 && a.run_argv >= argv && a.run_argv + a.run_argc == argv + argc);
        FUZZ_CHECK(strcmp(a.run_argv[0], "bench") == 0 || strcmp(a.run_argv[0], "sweep") == 0);
        return;
    }
    FUZZ_CHECK(a.nbase >= 1 && a.nnew >= 1 && a.nbase <= MAX_RUNS_PER_SIDE && a.nnew <= MAX_RUNS_PER_SIDE);
    for (size_t k = 0; k < a.nbase; k++)
        FUZZ_CHECK(in_argv(argc, argv, a.base[k]));
    for (size_t k = 0; k < a.nnew; k++)
        FUZZ_CHECK(in_argv(argc, argv, a.new_files[k]));
}

static void check_report(int argc, char **argv)
{
    /* as cmd_report sets it up */
    report_args a = {calloc((size_t)argc + 1, sizeof *a.files), 0, "report.md", "plots/", NULL, NULL};
    if (!a.files)
        abort();
    if (report_parse_args(argc, argv, &a) < 0) {
        FUZZ_CHECK(a.nfiles >= 1 && a.nfiles <= argc);
        FUZZ_CHECK(*a.out && *a.plots && (!a.baseline || *a.baseline) && (!a.selection || *a.selection));
    }
    free(a.files);
}

/* s points into one of argv's words (a value is a word, or the part after
 * "--name=" of one). */
static int in_words(int argc, char **argv, const char *s)
{
    for (int i = 0; i < argc; i++)
        if (s >= argv[i] && s <= argv[i] + strlen(argv[i]))
            return 1;
    return 0;
}

/* A problem a verb accepted for op (-1: every op, verify's --op all): bcast's
 * a valid descriptor, every other op's NxHxWxC in one of the two layouts. */
static void check_problem(const chanmul_problem *p, int op)
{
    if (op == CHANMUL_OP_BCAST) {
        chanmul_desc d;
        FUZZ_CHECK(p->op == CHANMUL_OP_BCAST && chanmul_desc_init(&d, p) == 0);
    } else {
        FUZZ_CHECK(p->a.rank == 4);
        FUZZ_CHECK(p->layout == CHANMUL_NHWC || p->layout == CHANMUL_NCHW);
    }
}

/* The targets a verb builds from what it accepted (without plugins: loading
 * one is dlopen of a path, glibc's loader, and its refusals are ctest's
 * plugin_* tests): each has a kernel for the op. */
static void check_targets(const char *impl_name, int op)
{
    verify_target *targets;
    size_t count;
    if (cli_targets(impl_name, NULL, 0, op, &targets, &count) != 0)
        return; /* an unknown name, or one without a kernel for op: a usage error there */
    FUZZ_CHECK(count >= 1);
    for (size_t t = 0; t < count; t++) {
        int covered = 0;
        for (int k = 0; k < CHANMUL_OP_COUNT; k++)
            covered |= (op < 0 || op == k) && chanmul_impl_covers(targets[t].impl, (chanmul_op)k);
        FUZZ_CHECK(covered);
    }
    cli_targets_free(targets);
}

static void check_plugins(int argc, char **argv, const char *const *plugins, int plugin_count)
{
    FUZZ_CHECK(plugin_count >= 0 && plugin_count <= MAX_PLUGINS);
    for (int k = 0; k < plugin_count; k++)
        FUZZ_CHECK(plugins[k] && in_words(argc, argv, plugins[k]));
}

/* list and probe take no options: they go on exactly when there is none. */
static void check_list(int argc, char **argv)
{
    list_args a;
    int rc = list_parse_args(argc, argv, &a);
    FUZZ_CHECK((rc == -1) == (argc == 1));
    FUZZ_CHECK(rc == -1 || rc == 0 || rc == EXIT_USAGE);
}

static void check_probe(int argc, char **argv)
{
    probe_args a;
    int rc = probe_parse_args(argc, argv, &a);
    FUZZ_CHECK((rc == -1) == (argc == 1));
    FUZZ_CHECK(rc == -1 || rc == 0 || rc == EXIT_USAGE);
}

static void check_verify(int argc, char **argv)
{
    verify_args a;
    if (verify_parse_args(argc, argv, &a) >= 0)
        return;
    const verify_options *o = &a.o;
    FUZZ_CHECK(o->op >= -1 && o->op < CHANMUL_OP_COUNT);
    FUZZ_CHECK(o->layout >= -1 && o->layout <= 1);
    FUZZ_CHECK(o->threads >= -1 && o->random_shapes >= 0 && o->max_reports >= 0);
    FUZZ_CHECK(o->data >= -1 && o->data < VERIFY_DATA_COUNT);
    FUZZ_CHECK(o->in_place >= -1 && o->in_place <= 1 && (o->include_large == 0 || o->include_large == 1));
    for (int k = 0; k < 3; k++)
        FUZZ_CHECK(o->have_offsets ? o->offsets[k] >= 0 && o->offsets[k] <= 15 : o->offsets[k] == 0);
    FUZZ_CHECK(!o->targets && o->target_count == 0); /* the verb builds them */
    FUZZ_CHECK(!a.impl_name || in_words(argc, argv, a.impl_name));
    check_plugins(argc, argv, a.plugins, a.plugin_count);
    if (o->have_shape) {
        int err = 0;
        chanmul_problem_elements(&o->shape, &err);
        FUZZ_CHECK(err == 0); /* refused as too large otherwise */
        check_problem(&o->shape, o->op);
    }
    if (a.plugin_count == 0)
        check_targets(a.impl_name, o->op);
}

/* What bench and sweep share (common_option). */
static void check_bench_common(int argc, char **argv, const bench_args *a)
{
    FUZZ_CHECK(!a->have_threads || a->threads >= 0);
    FUZZ_CHECK(a->min_time == 0 || (a->min_time > 0 && a->min_time <= BENCH_MAX_MIN_TIME));
    FUZZ_CHECK(!a->json || (*a->json && in_words(argc, argv, a->json)));
    FUZZ_CHECK(!a->impl_name || in_words(argc, argv, a->impl_name));
    check_plugins(argc, argv, a->plugins, a->plugin_count);
    FUZZ_CHECK(a->gb_argc >= 1 && a->gb_argc <= argc && a->gb_argv[a->gb_argc] == NULL);
    FUZZ_CHECK(strcmp(a->gb_argv[0], "chanmul") == 0);
    for (int k = 1; k < a->gb_argc; k++)
        FUZZ_CHECK(in_argv(argc, argv, a->gb_argv[k]) && strncmp(a->gb_argv[k], "--benchmark_", 12) == 0);
}

static void check_bench(int argc, char **argv)
{
    bench_args a;
    if (bench_parse_args(argc, argv, &a) < 0) {
        check_bench_common(argc, argv, &a);
        FUZZ_CHECK(a.repetitions >= 1);
        FUZZ_CHECK(a.problem.op >= 0 && a.problem.op < CHANMUL_OP_COUNT);
        check_problem(&a.problem, (int)a.problem.op);
        if (a.plugin_count == 0)
            check_targets(a.impl_name ? a.impl_name : "all", (int)a.problem.op);
    }
    free(a.gb_argv); /* the caller's, whatever the parse returned */
}

static void check_sweep(int argc, char **argv)
{
    bench_args a;
    if (sweep_parse_args(argc, argv, &a) < 0) {
        check_bench_common(argc, argv, &a);
        FUZZ_CHECK(a.repetitions == 0 || a.repetitions >= 1); /* 0: the profile's */
        FUZZ_CHECK(a.profile && sweep_profile_find(a.profile->name) == a.profile);
        FUZZ_CHECK(*a.out_dir && (strcmp(a.out_dir, "results") == 0 || in_words(argc, argv, a.out_dir)));
        FUZZ_CHECK(a.only_op >= -1 && a.only_op < CHANMUL_OP_COUNT);
        FUZZ_CHECK(a.include_large == 0 || a.include_large == 1);
        if (a.plugin_count == 0)
            check_targets(a.impl_name ? a.impl_name : "all", a.only_op);
    }
    free(a.gb_argv);
}

static void check_tune(int argc, char **argv)
{
    tune_args a;
    if (tune_parse_args(argc, argv, &a) >= 0)
        return;
    FUZZ_CHECK(a.profile && tune_profile_find(a.profile->name) == a.profile);
    FUZZ_CHECK(a.op >= -1 && a.op < CHANMUL_OP_COUNT);
    FUZZ_CHECK(a.op < 0 || !chanmul_op_info_of((chanmul_op)a.op)->broadcast); /* refused: not tuned */
    FUZZ_CHECK(!a.out || (*a.out && in_words(argc, argv, a.out)));
    FUZZ_CHECK(a.quiet == 0 || a.quiet == 1);
}

static void check_explain(int argc, char **argv)
{
    explain_args a;
    if (explain_parse_args(argc, argv, &a) >= 0)
        return;
    FUZZ_CHECK(a.threads >= 0);
    FUZZ_CHECK(a.p.op >= 0 && a.p.op < CHANMUL_OP_COUNT);
    FUZZ_CHECK(a.p.layout == CHANMUL_NHWC || a.p.layout == CHANMUL_NCHW);
    check_problem(&a.p, (int)a.p.op);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_argv a;
    fuzz_argv_split(data, size, &a);
    static const struct {
        const char *verb;
        void (*check)(int argc, char **argv);
    } verbs[] = {
        {"compare", check_compare}, {"report", check_report}, {"list", check_list},
        {"verify", check_verify},   {"bench", check_bench},   {"sweep", check_sweep},
        {"tune", check_tune},       {"explain", check_explain}, {"probe", check_probe},
    };
    for (size_t k = 0; k < sizeof verbs / sizeof verbs[0]; k++)
        if (strcmp(a.argv[0], verbs[k].verb) == 0)
            verbs[k].check(a.argc, a.argv);
    fuzz_argv_free(&a);
    return 0;
}
