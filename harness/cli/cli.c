/* chanmul: the command-line front end. See README.md for the commands. */
#include "cli.h"

#include "bench.h"
#include "build_info.h"
#include "compare_cli.h"
#include "plugin.h"
#include "report.h"
#include "shape.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_option(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0)
        return 0;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return 1;
    }
    if (arg[len] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "chanmul: option %s needs a value\n", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

void cli_print_impl_names(FILE *out)
{
    fprintf(out, "valid implementations: all");
    for (size_t i = 0; i < chanmul_impl_count(); i++)
        fprintf(out, ", %s", chanmul_impl_at(i)->name);
    fprintf(out, "\n");
}

/* "scale, gate" : the ops impl covers, into buf. */
static const char *covered_ops(const chanmul_impl *impl, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int op = 0; op < CHANMUL_OP_COUNT; op++)
        if (chanmul_impl_covers(impl, (chanmul_op)op)) {
            size_t u = strlen(buf);
            snprintf(buf + u, len - u, "%s%s", u ? "," : "", chanmul_op_name((chanmul_op)op));
        }
    return buf;
}

int cli_op_option(int argc, char **argv, int *i, const char *cmd, int allow_all, int *op)
{
    const char *v = NULL;
    int rc = cli_option(argc, argv, i, "--op", &v);
    if (rc <= 0)
        return rc;
    chanmul_op parsed;
    if (allow_all && strcmp(v, "all") == 0) {
        *op = -1;
        return 1;
    }
    if (chanmul_op_parse(v, &parsed) != 0) {
        fprintf(stderr, "%s: unknown op '%s' (valid:%s", cmd, v, allow_all ? " all," : "");
        for (int k = 0; k < CHANMUL_OP_COUNT; k++)
            fprintf(stderr, "%s %s", k ? "," : "", chanmul_op_name((chanmul_op)k));
        fprintf(stderr, ")\n");
        return -1;
    }
    *op = (int)parsed;
    return 1;
}

/* 1 when impl has a kernel for op (op -1: for any op). */
static int covers(const chanmul_impl *impl, int op)
{
    for (int k = 0; k < CHANMUL_OP_COUNT; k++)
        if ((op < 0 || op == k) && chanmul_impl_covers(impl, (chanmul_op)k))
            return 1;
    return 0;
}

int cli_targets(const char *impl_name, const char **plugins, int plugin_count, int op,
                verify_target **targets, size_t *count)
{
    size_t n = 0, cap = chanmul_impl_count() + (size_t)plugin_count;
    verify_target *t = calloc(cap ? cap : 1, sizeof *t);
    if (!t) {
        fprintf(stderr, "chanmul: out of memory\n");
        return EXIT_USAGE;
    }
    int all = (impl_name && strcmp(impl_name, "all") == 0) || (!impl_name && plugin_count == 0);
    char ops[128];
    if (all) {
        /* every implementation that has a kernel for the op */
        for (size_t i = 0; i < chanmul_impl_count(); i++)
            if (covers(chanmul_impl_at(i), op))
                t[n++].impl = chanmul_impl_at(i);
    } else if (impl_name) {
        const chanmul_impl *impl = chanmul_impl_find(impl_name);
        if (!impl) {
            fprintf(stderr, "chanmul: unknown implementation '%s'\n", impl_name);
            cli_print_impl_names(stderr);
            free(t);
            return EXIT_USAGE;
        }
        if (!covers(impl, op)) {
            fprintf(stderr, "chanmul: implementation '%s' has no kernel for op %s (it covers: %s)\n",
                    impl_name, chanmul_op_name((chanmul_op)op), covered_ops(impl, ops, sizeof ops));
            free(t);
            return EXIT_USAGE;
        }
        t[n++].impl = impl;
    }
    for (int k = 0; k < plugin_count; k++) {
        char err[512];
        const chanmul_impl *impl;
        const char *abs_path;
        if (plugin_load(plugins[k], &impl, &abs_path, err, sizeof err) != 0) {
            fprintf(stderr, "chanmul: %s\n", err);
            free(t);
            return EXIT_USAGE;
        }
        if (!covers(impl, op)) {
            fprintf(stderr, "chanmul: plugin '%s' has no kernel for op %s (it covers: %s)\n", plugins[k],
                    chanmul_op_name((chanmul_op)op), covered_ops(impl, ops, sizeof ops));
            free(t);
            return EXIT_USAGE;
        }
        t[n].impl = impl;
        t[n++].plugin_path = abs_path;
    }
    *targets = t;
    *count = n;
    return 0;
}

int cli_shape_option(int argc, char **argv, int *i, const char *cmd, chanmul_problem *p)
{
    const char *v = NULL;
    char err[512];
    int rc = cli_option(argc, argv, i, "--shape", &v);
    if (rc <= 0)
        return rc;
    if (shape_parse(v, p, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", cmd, err);
        return -1;
    }
    return 1;
}

int cli_layout_option(int argc, char **argv, int *i, const char *cmd, chanmul_layout *layout)
{
    const char *v = NULL;
    int rc = cli_option(argc, argv, i, "--layout", &v);
    if (rc == 0)
        return 0;
    if (rc < 0 || layout_parse(v, layout) != 0) {
        fprintf(stderr, "%s: unknown layout '%s' (valid: nhwc, nchw)\n", cmd, v ? v : "");
        return -1;
    }
    return 1;
}

void cli_targets_free(verify_target *targets)
{
    free(targets);
}

void cli_warn_isa_cap(const char *cmd)
{
    const char *bad = chanmul_isa_cap_error();
    if (bad)
        fprintf(stderr,
                "%s: warning: ignoring CHANMUL_MAX_ISA='%s' (valid: avx512|avx2|scalar); "
                "running uncapped\n",
                cmd, bad);
}

/* ---- list ------------------------------------------------------------------------ */

/* "(N,H,W)" : the axes of an operand, in the layout's memory order. */
static const char *cli_axes_text(unsigned axes, chanmul_layout layout, char *buf, size_t len)
{
    static const unsigned nhwc[4] = {CHANMUL_AXIS_N, CHANMUL_AXIS_H, CHANMUL_AXIS_W, CHANMUL_AXIS_C};
    static const unsigned nchw[4] = {CHANMUL_AXIS_N, CHANMUL_AXIS_C, CHANMUL_AXIS_H, CHANMUL_AXIS_W};
    const unsigned *order = layout == CHANMUL_NHWC ? nhwc : nchw;
    size_t u = 0;
    buf[u++] = '(';
    for (int i = 0; i < 4; i++)
        if (axes & order[i]) {
            if (buf[u - 1] != '(')
                buf[u++] = ',';
            buf[u++] = "NHWC"[order[i] == CHANMUL_AXIS_N ? 0 : order[i] == CHANMUL_AXIS_H ? 1 : order[i] == CHANMUL_AXIS_W ? 2 : 3];
        }
    buf[u++] = ')';
    buf[u < len ? u : len - 1] = '\0';
    return buf;
}

int cmd_list(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "chanmul list: takes no arguments\n");
        return EXIT_USAGE;
    }
    cli_warn_isa_cap("chanmul list");
    chanmul_isa isa = chanmul_cpu_isa(), best = chanmul_cpu_isa_uncapped();
    printf("cpu isa: %s", chanmul_isa_name(best));
    if (isa != best)
        printf(" (capped to %s by CHANMUL_MAX_ISA)", chanmul_isa_name(isa));
    printf("; default threads: %d\n", chanmul_default_threads());
    printf("%-14s %-9s %-9s %-10s %-20s %s\n", "name", "kind", "threads", "available", "ops",
           "description");
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        const char *why = NULL;
        char ops[128];
        int ok = chanmul_impl_available(impl, &why);
        printf("%-14s %-9s %-9s %-10s %-20s %s", impl->name, chanmul_kind_name(impl->kind),
               impl->threaded ? "uses" : "ignores", ok ? "yes" : "no",
               covered_ops(impl, ops, sizeof ops), impl->description);
        if (!ok)
            printf(" [not available: %s]", why);
        printf("\n");
    }
    /* the facts table (impls/core/ops.inc): what every layer reads */
    printf("\n%-10s %-38s %s\n", "op", "definition", "operands (shape in memory order, NHWC | NCHW)");
    for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
        const chanmul_op_info *info = chanmul_op_info_of((chanmul_op)op);
        printf("%-10s %-38s", info->name, info->formula);
        for (int k = 0; k < info->inputs + info->outputs; k++) {
            char nhwc[32], nchw[32];
            printf("%s%s%s %s | %s", k == 0 ? " " : k == info->inputs ? " -> " : ", ",
                   info->operand_names[k], "", cli_axes_text(info->operand_axes[k], CHANMUL_NHWC, nhwc, sizeof nhwc),
                   cli_axes_text(info->operand_axes[k], CHANMUL_NCHW, nchw, sizeof nchw));
        }
        if (info->in_place_input >= 0)
            printf("; in place: %s == %s", info->operand_names[info->inputs],
                   info->operand_names[info->in_place_input]);
        printf("\n");
    }
    printf("\nlayout: include/chanmul.h (the API); impls/core (registry, checks, op facts, platform, thread team,\n"
           "SIMD ranges, the one-factor family's strategies); impls/<op> (each op's kernels); impls/peers;\n"
           "reference/<op> (each op's ground truth); harness/{problem,verify,bench,results,analysis,report,cli}\n");
    return 0;
}

/* ---- verify ---------------------------------------------------------------------- */

static void verify_usage(FILE *out)
{
    fprintf(out,
            "usage: chanmul verify [--op scale|scale_nc|gate|all] [--impl NAME|all] [--shape NxHxWxC]\n"
            "                      [--layout nhwc|nchw]\n"
            "                      [--threads T] [--plugin FILE.so ...] [--data smallint|random|special]\n"
            "                      [--seed S] [--offsets X,S,Y] [--in-place|--not-in-place] [--no-large]\n"
            "                      [--max-reports K] [--shape-seed S] [--random-shapes K]\n"
            "With no arguments: the whole case matrix of the channel scale for every implementation.\n"
            "--op: the operation (default scale; all: every op). The matrix: edge sizes around every\n"
            "vector width, every misalignment, the magnitudes real models use (batch to 256, planes to\n"
            "224x224 and beyond 65536, channels to 8191), K random shapes (default %d, drawn from seed S,\n"
            "default %llu) and, unless --no-large, shapes larger than the last-level cache.\n",
            VERIFY_RANDOM_SHAPES, VERIFY_SHAPE_SEED);
}

static int parse_offsets(const char *text, int offsets[3])
{
    char tail;
    if (sscanf(text, "%d,%d,%d%c", &offsets[0], &offsets[1], &offsets[2], &tail) != 3)
        return -1;
    for (int i = 0; i < 3; i++)
        if (offsets[i] < 0 || offsets[i] > 15)
            return -1;
    return 0;
}

int cmd_verify(int argc, char **argv)
{
    verify_options o;
    verify_options_init(&o);
    const char *impl_name = NULL, *plugins[MAX_PLUGINS];
    int plugin_count = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int rc;
        chanmul_layout layout;
        if ((rc = cli_option(argc, argv, &i, "--impl", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            impl_name = v;
        } else if ((rc = cli_op_option(argc, argv, &i, "chanmul verify", 1, &o.op)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if ((rc = cli_option(argc, argv, &i, "--shape-seed", &v)) != 0) {
            char *end;
            if (rc < 0 || !*v || !isdigit((unsigned char)*v) || (o.shape_seed = strtoull(v, &end, 10), *end)) {
                fprintf(stderr, "chanmul verify: --shape-seed takes an unsigned integer\n");
                return EXIT_USAGE;
            }
        } else if ((rc = cli_option(argc, argv, &i, "--random-shapes", &v)) != 0) {
            if (rc < 0 || int_parse(v, &o.random_shapes) != 0) {
                fprintf(stderr, "chanmul verify: --random-shapes takes a non-negative integer\n");
                return EXIT_USAGE;
            }
        } else if ((rc = cli_shape_option(argc, argv, &i, "chanmul verify", &o.shape)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            o.have_shape = 1;
        } else if ((rc = cli_layout_option(argc, argv, &i, "chanmul verify", &layout)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            o.layout = (int)layout;
        } else if ((rc = cli_option(argc, argv, &i, "--threads", &v)) != 0) {
            if (rc < 0 || int_parse(v, &o.threads) != 0) {
                fprintf(stderr, "chanmul verify: --threads takes a non-negative integer, not '%s'\n", v ? v : "");
                return EXIT_USAGE;
            }
        } else if ((rc = cli_option(argc, argv, &i, "--plugin", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            if (plugin_count == MAX_PLUGINS) {
                fprintf(stderr, "chanmul verify: at most %d plugins\n", MAX_PLUGINS);
                return EXIT_USAGE;
            }
            plugins[plugin_count++] = v;
        } else if ((rc = cli_option(argc, argv, &i, "--data", &v)) != 0) {
            verify_data d;
            if (rc < 0 || verify_data_parse(v, &d) != 0) {
                fprintf(stderr, "chanmul verify: unknown data '%s' (valid: smallint, random, special)\n", v ? v : "");
                return EXIT_USAGE;
            }
            o.data = (int)d;
        } else if ((rc = cli_option(argc, argv, &i, "--seed", &v)) != 0) {
            char *end;
            if (rc < 0 || !*v || (o.seed = strtoull(v, &end, 10), *end)) {
                fprintf(stderr, "chanmul verify: --seed takes an unsigned integer\n");
                return EXIT_USAGE;
            }
            o.have_seed = 1;
        } else if ((rc = cli_option(argc, argv, &i, "--offsets", &v)) != 0) {
            if (rc < 0 || parse_offsets(v, o.offsets) != 0) {
                fprintf(stderr, "chanmul verify: --offsets takes X,S,Y, each 0..15 floats\n");
                return EXIT_USAGE;
            }
            o.have_offsets = 1;
        } else if ((rc = cli_option(argc, argv, &i, "--max-reports", &v)) != 0) {
            if (rc < 0 || int_parse(v, &o.max_reports) != 0) {
                fprintf(stderr, "chanmul verify: --max-reports takes a non-negative integer\n");
                return EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--in-place") == 0) {
            o.in_place = 1;
        } else if (strcmp(argv[i], "--not-in-place") == 0) {
            o.in_place = 0;
        } else if (strcmp(argv[i], "--no-large") == 0) {
            o.include_large = 0;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            verify_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "chanmul verify: unknown argument '%s'\n", argv[i]);
            verify_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (o.have_shape) {
        /* The verifier allocates the tensor several times over: refuse sizes
         * that cannot even be expressed, as a usage error, before anything runs. */
        int shape_err = 0;
        chanmul_problem_elements(&o.shape, &shape_err);
        if (shape_err) {
            char shape[96];
            fprintf(stderr, "chanmul verify: shape %s is too large: %s\n",
                    shape_format(&o.shape, shape, sizeof shape), chanmul_strerror(shape_err));
            return EXIT_USAGE;
        }
    }
    cli_warn_isa_cap("chanmul verify");
    verify_target *targets;
    size_t count;
    int rc = cli_targets(impl_name, plugins, plugin_count, o.op, &targets, &count);
    if (rc)
        return rc; /* plugins loaded before the one that failed: freed by main */
    o.targets = targets;
    o.target_count = count;
    verify_counts *per = calloc(count ? count : 1, sizeof *per), total;
    if (!per) {
        fprintf(stderr, "chanmul verify: out of memory\n");
        cli_targets_free(targets);
        return EXIT_USAGE;
    }
    printf("verify: isa %s, %zu implementation(s), op %s", chanmul_isa_name(chanmul_cpu_isa()), count,
           o.op < 0 ? "all" : chanmul_op_name((chanmul_op)o.op));
    if (!o.have_shape)
        printf(", %d random shapes per op from --shape-seed %llu", o.random_shapes, o.shape_seed);
    printf("\n");
    fflush(stdout);
    int err = verify_run(&o, per, &total);
    for (size_t t = 0; t < count; t++) {
        const char *why = NULL;
        int ok = chanmul_impl_available(targets[t].impl, &why);
        printf("  %-16s %-9s %6ld passed %6ld failed %6ld skipped", targets[t].impl->name,
               chanmul_kind_name(targets[t].impl->kind), per[t].passed, per[t].failed,
               per[t].skipped);
        if (per[t].mistrusted)
            printf(" (%ld mistrusted)", per[t].mistrusted);
        if (!ok)
            printf(" (not available: %s)", why);
        printf("\n");
    }
    if (err)
        fprintf(stderr, "chanmul verify: verifier error: %s\n", chanmul_strerror(err));
    printf("verify: %ld passed, %ld failed, %ld skipped\n", total.passed, total.failed,
           total.skipped);
    free(per);
    cli_targets_free(targets);
    return total.failed > 0 || err ? EXIT_VERDICT : 0;
}

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
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
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
