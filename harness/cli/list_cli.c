/* `chanmul list`: the implementations, the ops they cover, the facts table, the layout
 * (its command line is read by list_args.c). */
#include "cli.h"
#include "sysinfo.h"
#include "verb_args.h"

#include <stdio.h>
#include <string.h>

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
    list_args a;
    int status = list_parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    cli_warn_isa_cap("chanmul list");
    chanmul_isa isa = chanmul_cpu_isa(), best = chanmul_cpu_isa_uncapped();
    printf("cpu isa: %s", chanmul_isa_name(best));
    if (isa != best)
        printf(" (capped to %s by CHANMUL_MAX_ISA)", chanmul_isa_name(isa));
    printf("; default threads: %d\n", chanmul_default_threads());
    sysinfo info;
    sysinfo_collect(&info);
    printf("cpu: %s; caches reported: L2 %zu KiB, L3 %zu KiB; in use: %s\n", info.cpu_model,
           info.l2_bytes >> 10, info.l3_bytes >> 10, chanmul_cache_sizes_status());
    printf("%-14s %-9s %-9s %-10s %-20s %s\n", "name", "kind", "threads", "available", "ops",
           "description");
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        const char *why = NULL;
        char ops[128];
        int ok = chanmul_impl_available(impl, &why);
        printf("%-14s %-9s %-9s %-10s %-20s %s", impl->name, chanmul_kind_name(impl->kind),
               impl->threaded ? "uses" : "ignores", ok ? "yes" : "no",
               cli_covered_ops(impl, ops, sizeof ops), impl->description);
        if (!ok)
            printf(" [not available: %s]", why);
        printf("\n");
    }
    /* the facts table (impls/core/ops.inc): what every layer reads */
    printf("\n%-10s %-38s %s\n", "op", "definition", "operands (shape in memory order, NHWC | NCHW)");
    for (int op = 0; op < CHANMUL_OP_COUNT; op++) {
        const chanmul_op_info *info = chanmul_op_info_of((chanmul_op)op);
        printf("%-10s %-38s", info->name, info->formula);
        if (info->broadcast) /* general shapes: no axes of the data tensor */
            printf(" %s (rank 0..%d), %s (rank 0..%d) -> %s (their broadcast), row-major; --shape A --shape2 B",
                   info->operand_names[0], CHANMUL_MAX_RANK, info->operand_names[1], CHANMUL_MAX_RANK,
                   info->operand_names[2]);
        for (int k = 0; k < info->inputs + info->outputs && !info->broadcast; k++) {
            char nhwc[32], nchw[32];
            printf("%s%s%s %s | %s", k == 0 ? " " : k == info->inputs ? " -> " : ", ",
                   info->operand_names[k], "", cli_axes_text(info->operand_axes[k], CHANMUL_NHWC, nhwc, sizeof nhwc),
                   cli_axes_text(info->operand_axes[k], CHANMUL_NCHW, nchw, sizeof nchw));
        }
        if (info->in_place_input >= 0)
            printf("; in place: %s == %s%s", info->operand_names[info->inputs],
                   info->operand_names[info->in_place_input], info->broadcast ? " (of y's shape)" : "");
        printf("\n");
    }
    printf("\nlayout: include/chanmul.h (the API); impls/core (registry, checks, op facts, platform, thread team,\n"
           "SIMD ranges, the one-factor family's strategies); impls/<op> (each op's kernels); impls/peers;\n"
           "reference/<op> (each op's ground truth); harness/{problem,verify,bench,tune,results,analysis,report,cli}\n");
    return 0;
}

