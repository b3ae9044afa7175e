/*
 * The command line (harness/cli/). The input is a command line, its words
 * separated by NUL or newline; the first word is the verb, as main() passes
 * it (argv[0] of the verb's own argv).
 *
 *  - compare, report: their whole command-line readers, compare_parse_args
 *    and report_parse_args, which read and nothing else.
 *  - every other verb (list, verify, bench, sweep, tune, explain, probe)
 *    reads its options in a loop inside the verb itself, which goes on to
 *    run it: that loop cannot be called alone. This target runs the readers
 *    those loops are made of (options.c: cli_option, --op, --shape,
 *    --shape2, --layout, --threads, --impl, then cli_shapes_resolve and
 *    cli_targets, as verify, bench and explain call them), and stops where
 *    the verb would start. --plugin is not read: loading a plugin is dlopen
 *    of a path, glibc's loader, and its refusals are ctest's plugin_* tests.
 *
 * Properties: an option's reader never reads past argv; what the readers
 * accept is what the library accepts (a bcast problem the command line
 * resolves is a valid descriptor; the targets cover the op); compare's and
 * report's results stay within their bounds.
 */
#include "fuzz_input.h"

#include "cli.h"
#include "compare_cli.h"
#include "report_cli.h"
#include "shape.h"

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

/* The shared readers in a verb's loop; allow_all: --op all (verify, tune). */
static void check_shared_options(int argc, char **argv, int allow_all)
{
    const char *cmd = "chanmul fuzz";
    chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 0, 0, 0, 0};
    chanmul_shape shape2;
    int op = CHANMUL_OP_SCALE, have_shape = 0, have_shape2 = 0, threads = 0;
    const char *impl_name = NULL, *v = NULL;
    for (int i = 1; i < argc; i++) {
        int rc;
        chanmul_layout layout;
        if ((rc = cli_option(argc, argv, &i, "--impl", &v)) != 0) {
            if (rc < 0)
                return;
            impl_name = v;
        } else if ((rc = cli_op_option(argc, argv, &i, cmd, allow_all, &op)) != 0) {
            if (rc < 0)
                return;
            FUZZ_CHECK(op >= (allow_all ? -1 : 0) && op < CHANMUL_OP_COUNT);
        } else if ((rc = cli_shape_option(argc, argv, &i, cmd, &p)) != 0) {
            if (rc < 0)
                return;
            have_shape = 1;
        } else if ((rc = cli_shape2_option(argc, argv, &i, cmd, &shape2)) != 0) {
            if (rc < 0)
                return;
            have_shape2 = 1;
        } else if ((rc = cli_layout_option(argc, argv, &i, cmd, &layout)) != 0) {
            if (rc < 0)
                return;
            p.layout = layout;
        } else if ((rc = cli_option(argc, argv, &i, "--threads", &v)) != 0) {
            if (rc < 0 || int_parse(v, &threads) != 0)
                return;
        } else {
            return; /* the verb's own options, or an unknown one: a usage error there */
        }
        FUZZ_CHECK(i < argc); /* a reader that took a value stayed inside argv */
    }
    if (have_shape) {
        /* verify's check before it allocates anything */
        int err = 0;
        chanmul_problem_elements(&p, &err);
    }
    if (cli_shapes_resolve(cmd, &p, op, have_shape, have_shape2, &shape2) != 0)
        return;
    if (have_shape && op == CHANMUL_OP_BCAST) {
        chanmul_desc d;
        FUZZ_CHECK(chanmul_desc_init(&d, &p) == 0);
    } else if (have_shape && op >= 0) {
        FUZZ_CHECK(p.a.rank == 4);
    }
    verify_target *targets;
    size_t count;
    if (cli_targets(impl_name, NULL, 0, op, &targets, &count) != 0)
        return;
    FUZZ_CHECK(count >= 1);
    for (size_t t = 0; t < count; t++) {
        int covered = 0;
        for (int k = 0; k < CHANMUL_OP_COUNT; k++)
            covered |= (op < 0 || op == k) && chanmul_impl_covers(targets[t].impl, (chanmul_op)k);
        FUZZ_CHECK(covered);
    }
    cli_targets_free(targets);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_argv a;
    fuzz_argv_split(data, size, &a);
    const char *verb = a.argv[0];
    if (strcmp(verb, "compare") == 0)
        check_compare(a.argc, a.argv);
    else if (strcmp(verb, "report") == 0)
        check_report(a.argc, a.argv);
    else
        check_shared_options(a.argc, a.argv, strcmp(verb, "verify") == 0 || strcmp(verb, "tune") == 0);
    fuzz_argv_free(&a);
    return 0;
}
