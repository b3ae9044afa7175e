/*
 * The ISA the kernels really ran, against the cap this process was started
 * with (CHANMUL_MAX_ISA, read once by the kernels at their first call): every
 * available implementation, every op, at a shape with vector bodies and tails,
 * 1 and 2 threads; then chanmul_isa_ran() must hold exactly the bit of
 * chanmul_cpu_isa() (the cap applied to this CPU). ctest runs it once per cap,
 * one process each (isa_ran_<cap>), so a kernel that ignored the cap, or
 * dispatched on the CPU's own ISA, fails here: checking the ISA the CLI prints
 * would not see it.
 */
#include "chanmul.h"

#include "check.h"

#include <stdlib.h>
#include <string.h>

/* The op's problem at a 2x3x3x37 data tensor (bcast: 2x3x3x37 times 37). */
static int problem_of(chanmul_op op, chanmul_problem *p)
{
    memset(p, 0, sizeof *p);
    if (chanmul_op_info_of(op)->broadcast) {
        chanmul_shape a = {4, {2, 3, 3, 37}}, b = {1, {37}};
        return chanmul_bcast_problem(p, &a, &b, NULL, 0);
    }
    *p = (chanmul_problem){op, CHANMUL_NHWC, 2, 3, 3, 37};
    return 0;
}

/* Runs impl on op's problem; 1 when it ran (0 rc), 0 when it has no kernel for op. */
static int run_once(const chanmul_impl *impl, chanmul_op op, int threads)
{
    chanmul_problem p;
    chanmul_desc d;
    if (problem_of(op, &p) != 0 || chanmul_desc_init(&d, &p) != 0 || !chanmul_impl_covers(impl, op))
        return 0;
    chanmul_tensors t = {{0}, {0}};
    int err = 0, ok = 1;
    for (int k = 0; k < d.inputs; k++) {
        size_t n = chanmul_shape_elements(&d.in[k], &err);
        float *buf = malloc((n ? n : 1) * sizeof *buf);
        for (size_t i = 0; buf && i < n; i++)
            buf[i] = 0.5f + (float)(i % 7);
        t.in[k] = buf;
        ok = ok && buf;
    }
    for (int k = 0; k < d.outputs; k++) {
        size_t n = chanmul_shape_elements(&d.out[k], &err);
        t.out[k] = calloc(n ? n : 1, sizeof(float));
        ok = ok && t.out[k];
    }
    int rc = ok ? chanmul_exec(impl, &d, &t, threads) : -1;
    CHECK(rc == 0, "%s, op %s, threads %d: rc %d (%s)", impl->name, chanmul_op_name(op), threads, rc,
          rc < 0 ? chanmul_strerror(rc) : "");
    for (int k = 0; k < d.inputs; k++)
        free((void *)t.in[k]);
    for (int k = 0; k < d.outputs; k++)
        free(t.out[k]);
    return 1;
}

int main(void)
{
    chanmul_isa want = chanmul_cpu_isa(); /* the cap in the environment, applied to this CPU */
    CHECK(chanmul_isa_ran() == 0, "kernels ran before any call: %#x", chanmul_isa_ran());
    int runs = 0;
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        if (!chanmul_impl_available(impl, NULL))
            continue;
        for (int op = 0; op < CHANMUL_OP_COUNT; op++)
            for (int threads = 1; threads <= 2; threads++)
                runs += run_once(impl, (chanmul_op)op, threads);
    }
    CHECK(runs > 0, "nothing ran");
    unsigned ran = chanmul_isa_ran();
    CHECK(ran == 1u << want, "under CHANMUL_MAX_ISA=%s the kernels ran ISA mask %#x, expected only %s (%#x)",
          getenv("CHANMUL_MAX_ISA") ? getenv("CHANMUL_MAX_ISA") : "(unset)", ran, chanmul_isa_name(want),
          1u << want);
    /* the mask can be cleared, and fills again with the same ISA only */
    chanmul_isa_ran_clear();
    CHECK(chanmul_isa_ran() == 0, "chanmul_isa_ran_clear left %#x", chanmul_isa_ran());
    run_once(chanmul_impl_find("stream"), CHANMUL_OP_SCALE, 1);
    CHECK(chanmul_isa_ran() == 1u << want, "stream after a clear ran %#x", chanmul_isa_ran());
    printf("isa_ran: %d runs, the kernels ran %s under CHANMUL_MAX_ISA=%s\n", runs, chanmul_isa_name(want),
           getenv("CHANMUL_MAX_ISA") ? getenv("CHANMUL_MAX_ISA") : "(unset)");
    return check_summary();
}
