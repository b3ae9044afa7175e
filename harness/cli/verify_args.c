/* `chanmul verify`'s command line, read (verb_args.h); the verb is cmd_verify
 * (verify_cli.c). */
#include "verb_args.h"

#include "shape.h"

#include <stdio.h>
#include <string.h>

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

int verify_parse_args(int argc, char **argv, verify_args *a)
{
    memset(a, 0, sizeof *a);
    verify_options_init(&a->o);
    int have_shape2 = 0;
    chanmul_shape shape2;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int rc;
        chanmul_layout layout;
        if ((rc = cli_option(argc, argv, &i, "--impl", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            a->impl_name = v;
        } else if ((rc = cli_op_option(argc, argv, &i, "chanmul verify", 1, &a->o.op)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
        } else if ((rc = cli_option(argc, argv, &i, "--shape-seed", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            if (u64_parse(v, &a->o.shape_seed) != 0) {
                fprintf(stderr, "chanmul verify: --shape-seed takes an unsigned 64-bit integer, not '%s'\n", v);
                return EXIT_USAGE;
            }
        } else if ((rc = cli_option(argc, argv, &i, "--random-shapes", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (int_parse(v, &a->o.random_shapes) != 0) {
                fprintf(stderr, "chanmul verify: --random-shapes takes a non-negative integer\n");
                return EXIT_USAGE;
            }
        } else if ((rc = cli_shape_option(argc, argv, &i, "chanmul verify", &a->o.shape)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            a->o.have_shape = 1;
        } else if ((rc = cli_shape2_option(argc, argv, &i, "chanmul verify", &shape2)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            have_shape2 = 1;
        } else if ((rc = cli_layout_option(argc, argv, &i, "chanmul verify", &layout)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            a->o.layout = (int)layout;
        } else if ((rc = cli_option(argc, argv, &i, "--threads", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (int_parse(v, &a->o.threads) != 0) {
                fprintf(stderr, "chanmul verify: --threads takes a non-negative integer, not '%s'\n", v ? v : "");
                return EXIT_USAGE;
            }
        } else if ((rc = cli_option(argc, argv, &i, "--plugin", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            if (a->plugin_count == MAX_PLUGINS) {
                fprintf(stderr, "chanmul verify: at most %d plugins\n", MAX_PLUGINS);
                return EXIT_USAGE;
            }
            a->plugins[a->plugin_count++] = v;
        } else if ((rc = cli_option(argc, argv, &i, "--data", &v)) != 0) {
            verify_data d;
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (verify_data_parse(v, &d) != 0) {
                fprintf(stderr, "chanmul verify: unknown data '%s' (valid: smallint, random, special, cancel, normal)\n", v ? v : "");
                return EXIT_USAGE;
            }
            a->o.data = (int)d;
        } else if ((rc = cli_option(argc, argv, &i, "--seed", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            if (u64_parse(v, &a->o.seed) != 0) {
                fprintf(stderr, "chanmul verify: --seed takes an unsigned 64-bit integer, not '%s'\n", v);
                return EXIT_USAGE;
            }
            a->o.have_seed = 1;
        } else if ((rc = cli_option(argc, argv, &i, "--offsets", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (parse_offsets(v, a->o.offsets) != 0) {
                fprintf(stderr, "chanmul verify: --offsets takes X,S,Y, each 0..15 floats\n");
                return EXIT_USAGE;
            }
            a->o.have_offsets = 1;
        } else if ((rc = cli_option(argc, argv, &i, "--max-reports", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (int_parse(v, &a->o.max_reports) != 0) {
                fprintf(stderr, "chanmul verify: --max-reports takes a non-negative integer\n");
                return EXIT_USAGE;
            }
            a->o.reports_by_class = 0; /* the first N failures, as asked */
        } else if (strcmp(argv[i], "--in-place") == 0) {
            a->o.in_place = 1;
        } else if (strcmp(argv[i], "--not-in-place") == 0) {
            a->o.in_place = 0;
        } else if (strcmp(argv[i], "--no-large") == 0) {
            a->o.include_large = 0;
        } else if (cli_is_help(argv[i])) {
            verify_usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "chanmul verify: unknown argument '%s'\n", argv[i]);
            verify_usage(stderr);
            return EXIT_USAGE;
        }
    }
    if (a->o.have_shape) {
        /* The verifier allocates the tensor several times over: refuse sizes
         * that cannot even be expressed, as a usage error, before anything runs. */
        int shape_err = 0;
        chanmul_problem_elements(&a->o.shape, &shape_err);
        if (shape_err) {
            char shape[96];
            fprintf(stderr, "chanmul verify: shape %s is too large: %s\n",
                    shape_format(&a->o.shape, shape, sizeof shape), chanmul_strerror(shape_err));
            return EXIT_USAGE;
        }
    }
    if (cli_shapes_resolve("chanmul verify", &a->o.shape, a->o.op, a->o.have_shape, have_shape2, &shape2))
        return EXIT_USAGE;
    return -1;
}
