/*
 * Prepared calls (chanmul_plan_*): what a call of chanmul_exec does before
 * the kernel, done once for one problem. Creating a plan validates the
 * problem and the thread count, builds the descriptor, checks that the
 * implementation covers the op and runs here, and for `auto` makes its choice
 * (the selection file's region, or the heuristic) and keeps the kernel it
 * picked with its tunables; for simd and stream on a problem that runs on one
 * thread it also makes their kernel's decisions (walk, threads, streaming
 * stores). A run then checks only the pointers (NULL, overlaps: they change
 * from call to call) and calls the kernel directly.
 * oneDNN's primitive and XNNPACK's operator separate creating from running
 * for the same reason: on a 784-byte problem the checks and the dispatch cost
 * several times the kernel.
 */
#include "chanmul_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* The prepared channel scale takes the tiled kernel when its decisions came
 * to one thread without streaming stores and the kernel covers c (NHWC, or
 * c = 1, the same in both layouts). On the 784-byte problem (1x14x14x1)
 * the pattern's set-up and the generic checks were most of the call. */
static void prepare_tiled(chanmul_plan *plan)
{
    const chanmul_problem *p = &plan->d.p;
    const chanmul_range_kernels *k = plan->ranges.k;
    if (p->op == CHANMUL_OP_SCALE && plan->prepared_ranges && !plan->ranges.nontemporal && k->scale_tiled &&
        (p->layout == CHANMUL_NHWC || p->c == 1) && k->tiled_covers(p->c))
        plan->tiled = k->scale_tiled;
}

/* chanmul_check_operands for the tiled plan's x, s and y (the same codes in
 * the same order: a NULL first, then x against y, in place allowed, then s
 * against y), then the kernel. */
static int run_tiled(const chanmul_plan *plan, const float *x, const float *s, float *y)
{
    if (!x || !s || !y)
        return CHANMUL_ENULL;
    size_t y_bytes = plan->out_bytes[0];
    if (x != y && chanmul_regions_overlap(x, plan->in_bytes[0], y, y_bytes))
        return CHANMUL_EOVERLAP_XY;
    if (chanmul_regions_overlap(s, plan->in_bytes[1], y, y_bytes))
        return CHANMUL_EOVERLAP_SY;
    plan->tiled(x, s, y, plan->ranges.total, plan->d.p.c);
    return CHANMUL_OK;
}

/* simd and stream run the one-factor ops (not affine's two factors) as
 * chanmul_factor_ranges calls (impls/<op>/chanmul_<op>_{simd,stream}.c): simd
 * on one thread without streaming stores, stream as asked, with auto's tunables
 * when auto picked it. Their plans make that call's decisions once. */
static int prepare_ranges(chanmul_plan *plan)
{
    chanmul_op op = plan->d.p.op;
    if (op != CHANMUL_OP_SCALE && op != CHANMUL_OP_SCALE_NC && op != CHANMUL_OP_GATE &&
        op != CHANMUL_OP_MUL)
        return 0;
    if (plan->runs == chanmul_impl_find("simd"))
        return chanmul_factor_ranges_prepare(&plan->d, 1, CHANMUL_NT_NEVER, NULL, &plan->ranges);
    if (plan->runs == chanmul_impl_find("stream"))
        return chanmul_factor_ranges_prepare(&plan->d, plan->threads, CHANMUL_NT_BY_SIZE,
                                             plan->stream_tuned ? &plan->tun : NULL, &plan->ranges);
    return 0;
}

int chanmul_plan_prepare(const chanmul_impl *impl, const chanmul_problem *p, int threads, int one_shot,
                         chanmul_plan *out)
{
    if (!p)
        return CHANMUL_EPROBLEM;
    /* the cheap checks first, in chanmul_exec's order (layout, op, threads),
     * so that a problem with several faults gets the code a call would */
    if (p->layout != CHANMUL_NHWC && p->layout != CHANMUL_NCHW)
        return CHANMUL_ELAYOUT;
    if (!chanmul_op_info_of(p->op))
        return CHANMUL_EOP;
    if (threads < 0)
        return CHANMUL_ETHREADS;
    chanmul_plan plan;
    memset(&plan, 0, sizeof plan);
    int err = chanmul_desc_init(&plan.d, p);
    if (!err)
        err = chanmul_check_call_shape(&plan.d, threads, &plan.nothing_to_do);
    if (err)
        return err;
    /* the implementation's checks, in chanmul_exec's order */
    if (!impl)
        return CHANMUL_ENOIMPL;
    if (!chanmul_impl_covers(impl, p->op))
        return CHANMUL_EOP;
    if (!chanmul_impl_available(impl, NULL))
        return CHANMUL_EISA;
    plan.impl = plan.runs = impl;
    plan.threads = threads;
    if (impl->kind == CHANMUL_KIND_SELECTOR) {
        chanmul_choice c;
        if ((err = chanmul_auto_choose(&plan.d.p, threads, &c)) != 0)
            return err;
        plan.runs = c.impl;
        plan.tun = c.tunables;
        plan.stream_tuned = c.impl == chanmul_impl_find("stream");
        const char *verbose = getenv("CHANMUL_VERBOSE");
        if (verbose && strcmp(verbose, "1") == 0)
            fprintf(stderr, "chanmul auto: %s%s %s %zux%zux%zux%zu threads %d -> %s (%s)\n", one_shot ? "" : "plan ",
                    chanmul_op_name(p->op), chanmul_layout_name(p->layout), p->n, p->h, p->w, p->c, threads,
                    c.impl->name, c.why);
    }
    plan.kernel = plan.runs->kernels[p->op];
    plan.prepared_ranges = !plan.nothing_to_do && prepare_ranges(&plan);
    chanmul_operand_bytes(&plan.d, plan.in_bytes, plan.out_bytes);
    prepare_tiled(&plan);
    *out = plan;
    return CHANMUL_OK;
}

int chanmul_plan_create(const chanmul_impl *impl, const chanmul_problem *p, int threads, chanmul_plan **out)
{
    if (!out)
        return CHANMUL_EPROBLEM;
    *out = NULL;
    chanmul_plan plan;
    int err = chanmul_plan_prepare(impl, p, threads, 0, &plan);
    if (err)
        return err;
    chanmul_plan *heap = malloc(sizeof *heap);
    if (!heap)
        return CHANMUL_ENOMEM;
    *heap = plan;
    *out = heap;
    return CHANMUL_OK;
}

int chanmul_plan_exec(const chanmul_plan *plan, const chanmul_tensors *t)
{
    if (!plan || !t)
        return CHANMUL_EPROBLEM;
    if (plan->nothing_to_do)
        return CHANMUL_OK;
    if (plan->tiled)
        return run_tiled(plan, t->in[0], t->in[1], t->out[0]);
    int err = chanmul_check_operands(&plan->d, t, plan->in_bytes, plan->out_bytes);
    return err ? err : chanmul_plan_exec_checked(plan, t);
}

int chanmul_plan_exec_checked(const chanmul_plan *plan, const chanmul_tensors *t)
{
    if (plan->nothing_to_do)
        return CHANMUL_OK;
    if (plan->tiled) {
        plan->tiled(t->in[0], t->in[1], t->out[0], plan->ranges.total, plan->d.p.c);
        return CHANMUL_OK;
    }
    if (plan->prepared_ranges) {
        chanmul_range_call_run(&plan->ranges, t->in[0], t->in[1], t->out[0]);
        return CHANMUL_OK;
    }
    if (plan->d.p.n == 0 || plan->d.p.h == 0 || plan->d.p.w == 0 || plan->d.p.c == 0)
        return chanmul_exec(plan->runs, &plan->d, t, plan->threads); /* the sums of no rows */
    if (plan->stream_tuned)
        return chanmul_stream_tuned(&plan->d, t, plan->threads, &plan->tun);
    if (plan->kernel)
        return plan->kernel(&plan->d, t, plan->threads);
    return plan->runs->scale_abi1(&plan->d.p, t->in[0], t->in[1], t->out[0], plan->threads);
}

int chanmul_plan_run(const chanmul_plan *plan, const float *x, const float *s, float *y)
{
    if (!plan)
        return CHANMUL_EPROBLEM;
    if (plan->tiled)
        return run_tiled(plan, x, s, y);
    if (plan->d.inputs != 2 || plan->d.outputs != 1)
        return CHANMUL_EOP; /* not an op of two inputs and one output: chanmul_plan_exec */
    chanmul_tensors t = {{x, s, NULL}, {y, NULL, NULL}};
    return chanmul_plan_exec(plan, &t);
}

const chanmul_impl *chanmul_plan_impl(const chanmul_plan *plan)
{
    return plan ? plan->runs : NULL;
}

const chanmul_desc *chanmul_plan_desc(const chanmul_plan *plan)
{
    return plan ? &plan->d : NULL;
}

void chanmul_plan_free(chanmul_plan *plan)
{
    free(plan);
}
