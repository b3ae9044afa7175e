/*
 * Section 11 of the report, "Small problems: the call and the timing loop":
 * at the smallest problems of the channel scale, the one-shot call (what the
 * benchmark rows time: validation, dispatch, kernel) against the prepared
 * call (chanmul_plan_exec, the counter prepared_bytes_per_second, timed
 * right after the kernel's loop in the same repetition), both against memcpy
 * of the same bytes; and how the timing loop is kept out of the figures.
 */
#include "report_sections.h"

#include "markdown.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Problems of at most this many bytes are "small": the call, not memory, dominates. */
#define SMALL_BYTES (64.0 * 1024)

static double ns_of(double bytes, double bps)
{
    return bps > 0 && isfinite(bps) ? bytes / bps * 1e9 : NAN;
}

static void ns_cell(FILE *o, double ns)
{
    if (isfinite(ns))
        fprintf(o, " %.1f |", ns);
    else
        fputs(" - |", o);
}

/* Rows for one file: each small site, its fastest own kernel and auto. 1 when any row was written. */
static int small_sites(FILE *o, const rp_file *f)
{
    int rows = 0;
    for (size_t i = 0; i < f->nsites; i++) {
        const rp_site *s = &f->sites[i];
        if (!(s->ws <= SMALL_BYTES) || !isfinite(s->memcpy_bps))
            continue;
        const rp_point *best = rp_best(f, s, rp_is_chanmul, NULL), *aut = NULL;
        for (size_t k = s->first; k < s->first + s->count; k++)
            if (rp_is_selector(f, &f->points[k]) && rp_timed(&f->points[k]))
                aut = &f->points[k];
        if (!best)
            continue;
        if (!rows)
            fputs("| Layout | Shape | Bytes | Threads | memcpy ns | Fastest own kernel | one-shot ns | "
                  "prepared ns | prepared / memcpy | auto one-shot ns | auto prepared ns |\n"
                  "|---|---|---|---|---|---|---|---|---|---|---|\n",
                  o);
        char bytes[32];
        double memcpy_ns = ns_of(s->ws, s->memcpy_bps), prepared_ns = ns_of(s->ws, best->prepared_bps);
        fprintf(o, "| %s | %s | %s | %d |", s->layout, s->shape, rp_fmt_bytes(s->ws, bytes, sizeof bytes),
                s->threads);
        ns_cell(o, memcpy_ns);
        fprintf(o, " %s |", best->impl);
        ns_cell(o, ns_of(s->ws, best->bps));
        ns_cell(o, prepared_ns);
        if (isfinite(prepared_ns) && memcpy_ns > 0)
            fprintf(o, " %.2f |", prepared_ns / memcpy_ns);
        else
            fputs(" - |", o);
        ns_cell(o, aut ? ns_of(s->ws, aut->bps) : NAN);
        ns_cell(o, aut ? ns_of(s->ws, aut->prepared_bps) : NAN);
        fputc('\n', o);
        rows++;
    }
    return rows > 0;
}

void section_prepared(FILE *o, const report *r)
{
    md_heading(o, 2, "11. Small problems: the call and the timing loop");
    fputs("A call of the library on a small problem pays for its checks and its dispatch (the "
          "problem, the operands' sizes and overlaps, the implementation, `auto`'s choice) as well "
          "as the kernel. A prepared call (`chanmul_plan_create` once, `chanmul_plan_exec` per call) "
          "pays for the pointer checks only. Each kernel row times the one-shot call (`chanmul_run`, "
          "or `chanmul_exec` for the ops of several factors; since 0.8.0 `chanmul_run` keeps the "
          "prepared call of its last problem per thread, so a call repeated at one shape pays for "
          "comparing the problem and the checks, not for the dispatch); right after its loop, in the same "
          "repetition, the same implementation is timed through a prepared call for half as many "
          "calls (counter `prepared_bytes_per_second`), as the adjacent memcpy is. Times below are "
          "the medians over repetitions, per call, at the channel scale's problems of at most 64 "
          "KiB.\n\n"
          "The timing loop: on problems under 65536 elements each Google Benchmark iteration runs a "
          "batch of calls (65536 / elements, at most 256), so the loop's own check per iteration "
          "(a few ns, more in a debug build of the library) is spread over the batch; the adjacent "
          "memcpy and the prepared calls are timed by a plain loop between two reads of the "
          "monotonic clock. ",
          o);
    for (int k = 0; k < r->nm; k++) {
        char buf[64];
        const char *build = rp_context(&r->m[k].f, "library_build_type", buf, sizeof buf);
        if (build)
            fprintf(o, "On %s, the Google Benchmark library reports itself a **%s** build. ", r->m[k].name,
                    build);
    }
    fputs("\n\n", o);
    for (int k = 0; k < r->nm; k++) {
        if (r->nm > 1)
            md_heading(o, 3, "%s", r->m[k].name);
        if (!small_sites(o, &r->m[k].f))
            fputs("The results hold no channel-scale problem of at most 64 KiB with a memcpy row.\n", o);
        fputc('\n', o);
    }
}
