/* The command line's one option parser and the helpers every verb shares
 * (options, targets, warnings). The verbs are in harness/cli/<verb>_cli.c. */
#include "cli.h"

#include "paths.h"
#include "plugin.h"
#include "shape.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

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
const char *cli_covered_ops(const chanmul_impl *impl, char *buf, size_t len)
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
                    impl_name, chanmul_op_name((chanmul_op)op), cli_covered_ops(impl, ops, sizeof ops));
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
                    chanmul_op_name((chanmul_op)op), cli_covered_ops(impl, ops, sizeof ops));
            free(t);
            return EXIT_USAGE;
        }
        /* one name, one implementation: results, compare and the report key
         * their rows by it */
        const char *clash = chanmul_impl_find(impl->name) ? "a built-in implementation" : NULL;
        for (size_t j = 0; j < n && !clash; j++)
            if (t[j].plugin_path && strcmp(t[j].impl->name, impl->name) == 0)
                clash = strcmp(t[j].plugin_path, abs_path) == 0 ? "the same plugin, given twice" : "another plugin";
        if (clash) {
            fprintf(stderr, "chanmul: plugin '%s' is named '%s', as is %s (set chanmul_plugin_name to a name of "
                            "its own)\n",
                    plugins[k], impl->name, clash);
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
    /* any rank here (bcast's a); the family's NxHxWxC is required once the op
     * is known (cli_shapes_resolve) */
    if (dims_parse(v, &p->a, err, sizeof err) != 0) {
        /* malformed at any rank: said in the family's words (NxHxWxC, N is
         * missing, ...), which bcast's shapes extend */
        char family[512];
        shape_parse(v, p, family, sizeof family);
        /* (too many dimensions for any op: dims_parse's message says so) */
        fprintf(stderr, "%s: %s\n", cmd, strstr(err, "more than") ? err : family);
        return -1;
    }
    if (p->a.rank == 4 && shape_parse(v, p, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", cmd, err);
        return -1;
    }
    return 1;
}

int cli_shape2_option(int argc, char **argv, int *i, const char *cmd, chanmul_shape *s)
{
    const char *v = NULL;
    char err[512];
    int rc = cli_option(argc, argv, i, "--shape2", &v);
    if (rc <= 0)
        return rc;
    if (dims_parse(v, s, err, sizeof err) != 0) {
        fprintf(stderr, "%s: --shape2: %s\n", cmd, err);
        return -1;
    }
    return 1;
}

int cli_shapes_resolve(const char *cmd, chanmul_problem *p, int op, int have_shape, int have_shape2,
                       const chanmul_shape *shape2)
{
    char err[1024];
    if (have_shape2 && (!have_shape || op < 0)) {
        fprintf(stderr, "%s: --shape2 needs --shape and one --op (the second operand of that op)\n", cmd);
        return EXIT_USAGE;
    }
    if (!have_shape)
        return 0;
    if (op == CHANMUL_OP_BCAST) {
        /* b: --shape2, else the last axis of a (the channel scale as a broadcast) */
        chanmul_shape b;
        if (have_shape2)
            b = *shape2;
        else
            bcast_default_b(&p->a, &b);
        chanmul_shape a = p->a;
        if (chanmul_bcast_problem(p, &a, &b, err, sizeof err) != 0) {
            fprintf(stderr, "%s: %s\n", cmd, err);
            return EXIT_USAGE;
        }
        return 0;
    }
    if (p->a.rank != 4) {
        char dims[160];
        chanmul_problem q = *p;
        shape_parse(dims_format(&p->a, dims, sizeof dims), &q, err, sizeof err);
        fprintf(stderr, "%s: %s (shapes of another rank are for --op bcast)\n", cmd, err);
        return EXIT_USAGE;
    }
    if (!have_shape2)
        return 0;
    chanmul_problem q = *p;
    q.op = (chanmul_op)op;
    if (shape2_check(&q, shape2, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", cmd, err);
        return EXIT_USAGE;
    }
    return 0;
}

const char *cli_op_names(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int op = 0; op < CHANMUL_OP_COUNT && used < len; op++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", op ? "|" : "", chanmul_op_name((chanmul_op)op));
    return buf;
}

int cli_layout_option(int argc, char **argv, int *i, const char *cmd, chanmul_layout *layout)
{
    const char *v = NULL;
    int rc = cli_option(argc, argv, i, "--layout", &v);
    if (rc <= 0)
        return rc; /* another option, or a missing value cli_option reported */
    if (layout_parse(v, layout) != 0) {
        fprintf(stderr, "%s: unknown layout '%s' (valid: nhwc, nchw)\n", cmd, v);
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


int cli_check_output(const char *cmd, const char *flag, const char *path, int may_create)
{
    char which[1024];
    if (path_check_output(path, may_create, which, sizeof which) == 0)
        return 0;
    int e = errno;
    if (strcmp(which, path) == 0)
        fprintf(stderr, "%s: cannot write %s '%s': %s\n", cmd, flag, path, strerror(e));
    else
        fprintf(stderr, "%s: cannot write %s '%s': its folder '%s': %s\n", cmd, flag, path, which,
                strerror(e));
    return EXIT_USAGE;
}
