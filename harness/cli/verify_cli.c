/* `chanmul verify`: its options, then the verifier (harness/verify). */
#include "cli.h"
#include "plugin.h"
#include "plugin_isolation.h"
#include "shape.h"
#include "sysinfo.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- verify ---------------------------------------------------------------------- */

static void verify_usage(FILE *out)
{
    char ops[256];
    fprintf(out,
            "usage: chanmul verify [--op %s|all] [--impl NAME|all] [--shape NxHxWxC]\n"
            "                      [--shape2 DIMS] [--layout nhwc|nchw]\n"
            "                      [--threads T] [--plugin FILE.so ...] [--data smallint|random|special|cancel|normal]\n"
            "                      [--seed S] [--offsets X,S,Y] [--in-place|--not-in-place] [--no-large]\n"
            "                      [--max-reports K] [--shape-seed S] [--random-shapes K]\n"
            "With no arguments: the whole case matrix of the channel scale for every implementation.\n"
            "--op: the operation (default scale; all: every op). The matrix: edge sizes around every\n"
            "vector width, every misalignment, the magnitudes real models use (batch to 256, planes to\n"
            "224x224 and beyond 65536, channels to 8191), K random shapes (default %d, drawn from seed S,\n"
            "default %llu) and, unless --no-large, shapes larger than the last-level cache.\n"
            "--shape2: the second operand's shape, checked against the op's (mul: equal to --shape;\n"
            "bcast: b, any rank, broadcast with --shape by NumPy's rules; default: --shape's last axis).\n",
            cli_op_names(ops, sizeof ops), VERIFY_RANDOM_SHAPES, VERIFY_SHAPE_SEED);
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
    int plugin_count = 0, have_shape2 = 0;
    chanmul_shape shape2;
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
            if (rc < 0)
                return EXIT_USAGE;
            if (u64_parse(v, &o.shape_seed) != 0) {
                fprintf(stderr, "chanmul verify: --shape-seed takes an unsigned 64-bit integer, not '%s'\n", v);
                return EXIT_USAGE;
            }
        } else if ((rc = cli_option(argc, argv, &i, "--random-shapes", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (int_parse(v, &o.random_shapes) != 0) {
                fprintf(stderr, "chanmul verify: --random-shapes takes a non-negative integer\n");
                return EXIT_USAGE;
            }
        } else if ((rc = cli_shape_option(argc, argv, &i, "chanmul verify", &o.shape)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            o.have_shape = 1;
        } else if ((rc = cli_shape2_option(argc, argv, &i, "chanmul verify", &shape2)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            have_shape2 = 1;
        } else if ((rc = cli_layout_option(argc, argv, &i, "chanmul verify", &layout)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            o.layout = (int)layout;
        } else if ((rc = cli_option(argc, argv, &i, "--threads", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (int_parse(v, &o.threads) != 0) {
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
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (verify_data_parse(v, &d) != 0) {
                fprintf(stderr, "chanmul verify: unknown data '%s' (valid: smallint, random, special, cancel, normal)\n", v ? v : "");
                return EXIT_USAGE;
            }
            o.data = (int)d;
        } else if ((rc = cli_option(argc, argv, &i, "--seed", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            if (u64_parse(v, &o.seed) != 0) {
                fprintf(stderr, "chanmul verify: --seed takes an unsigned 64-bit integer, not '%s'\n", v);
                return EXIT_USAGE;
            }
            o.have_seed = 1;
        } else if ((rc = cli_option(argc, argv, &i, "--offsets", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (parse_offsets(v, o.offsets) != 0) {
                fprintf(stderr, "chanmul verify: --offsets takes X,S,Y, each 0..15 floats\n");
                return EXIT_USAGE;
            }
            o.have_offsets = 1;
        } else if ((rc = cli_option(argc, argv, &i, "--max-reports", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (int_parse(v, &o.max_reports) != 0) {
                fprintf(stderr, "chanmul verify: --max-reports takes a non-negative integer\n");
                return EXIT_USAGE;
            }
            o.reports_by_class = 0; /* the first N failures, as asked */
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
    if (cli_shapes_resolve("chanmul verify", &o.shape, o.op, o.have_shape, have_shape2, &shape2))
        return EXIT_USAGE;
    /* one shape, every op asked for: the largest case must fit (the matrix's own shapes are sized to fit) */
    for (int op = 0; o.have_shape && op < CHANMUL_OP_COUNT; op++) {
        if (o.op >= 0 && op != o.op)
            continue;
        chanmul_problem q = o.shape;
        q.op = (chanmul_op)op;
        if (o.op < 0 && chanmul_op_info_of(q.op)->broadcast)
            continue; /* (--op all at one NxHxWxC shape: bcast makes pairs of its own from it) */
        if (cli_check_memory("chanmul verify", &q, 0) != 0)
            return EXIT_USAGE;
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
    /* plugins each in a child process (plugin_isolation.h), before this process
     * runs any OpenMP region; the built-in implementations here, after */
    isolated_result *iso = calloc(count ? count : 1, sizeof *iso);
    verify_target *own = calloc(count ? count : 1, sizeof *own);
    size_t *own_index = calloc(count ? count : 1, sizeof *own_index);
    verify_counts *own_per = calloc(count ? count : 1, sizeof *own_per);
    if (!per || !iso || !own || !own_index || !own_per) {
        fprintf(stderr, "chanmul verify: out of memory\n");
        free(per), free(iso), free(own), free(own_index), free(own_per);
        cli_targets_free(targets);
        return EXIT_USAGE;
    }
    printf("verify: isa %s, %zu implementation(s), op %s", chanmul_isa_name(chanmul_cpu_isa()), count,
           o.op < 0 ? "all" : chanmul_op_name((chanmul_op)o.op));
    if (!o.have_shape)
        printf(", %d random shapes per op from --shape-seed %llu", o.random_shapes, o.shape_seed);
    printf("\n");
    fflush(stdout);
    int err = 0, isolate = plugin_isolation_enabled();
    size_t own_count = 0;
    char *isolated = calloc(count ? count : 1, 1); /* 1: ran in a child */
    for (size_t t = 0; t < count && isolated; t++) {
        if (!isolate || !targets[t].plugin_path) {
            own[own_count] = targets[t];
            own_index[own_count++] = t;
            continue;
        }
        if (verify_isolated(&o, &targets[t], &iso[t]) != 0) {
            fprintf(stderr, "chanmul verify: cannot start a process for plugin %s: %s\n", targets[t].impl->name,
                    strerror(errno));
            err = CHANMUL_ENOMEM;
            break;
        }
        isolated[t] = 1;
        per[t] = iso[t].counts;
        if (iso[t].error)
            err = iso[t].error;
        if (iso[t].timed_out || iso[t].signal || iso[t].exit_status)
            isolated_report(stdout, &targets[t], &iso[t]);
        fflush(stdout);
    }
    if (!isolated)
        err = CHANMUL_ENOMEM;
    if (!err && own_count) {
        verify_options mine = o;
        mine.targets = own;
        mine.target_count = own_count;
        verify_counts own_total;
        err = verify_run(&mine, own_per, &own_total);
        for (size_t k = 0; k < own_count; k++)
            per[own_index[k]] = own_per[k];
    }
    memset(&total, 0, sizeof total);
    for (size_t t = 0; t < count; t++) {
        total.passed += per[t].passed;
        total.failed += per[t].failed;
        total.skipped += per[t].skipped;
        total.mistrusted += per[t].mistrusted;
    }
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
        int ended = isolated && isolated[t] && (iso[t].timed_out || iso[t].signal || iso[t].exit_status);
        if (per[t].failed) {
            char text[512];
            printf("    departures: %s\n", ended ? isolated_departures(&iso[t], text, sizeof text)
                                               : departures_describe(&per[t].departures, text, sizeof text));
        }
    }
    free(isolated), free(iso), free(own), free(own_index), free(own_per);
    if (err)
        fprintf(stderr, "chanmul verify: verifier error: %s\n", chanmul_strerror(err));
    /* what the dispatching kernels really ran (the cap is read once, at their first call) */
    char ran[64];
    printf("verify: vector paths run: %s\n", sysinfo_isa_ran(ran, sizeof ran));
    printf("verify: %ld passed, %ld failed, %ld skipped\n", total.passed, total.failed,
           total.skipped);
    free(per);
    cli_targets_free(targets);
    return total.failed > 0 || err ? EXIT_VERDICT : 0;
}

