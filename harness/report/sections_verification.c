/*
 * Section 2 of the report, "Verification": every implementation's verdict
 * from `chanmul verify` (the results' verify:<impl> context and the rows that
 * failed), one column per machine.
 */
#include "report_sections.h"

#include "markdown.h"

#include <stdlib.h>
#include <string.h>

static const rp_verify *find_verify(const rp_file *f, const char *impl)
{
    for (size_t i = 0; i < f->nverify; i++)
        if (strcmp(f->verify[i].impl, impl) == 0)
            return &f->verify[i];
    return NULL;
}

/* The verdict at the timed problems, then how the implementation departs
 * from the reference on full-range data there (departures:<impl>). */
static void verify_cell(FILE *o, const rp_file *f, const rp_verify *v)
{
    if (!v) {
        fputs("-", o);
        return;
    }
    char key[160], buf[600];
    snprintf(key, sizeof key, "departures:%s", v->impl);
    const char *departures = rp_context(f, key, buf, sizeof buf);
    if (strcmp(v->status, "FAIL") == 0)
        fputs("**FAIL**", o);
    else if (strcmp(v->status, "unknown") == 0)
        fputs("not reported", o);
    else
        fputs(v->status, o);
    if (v->detail[0]) {
        fputs(": ", o);
        md_cell(o, v->detail);
    }
    if (departures && strcmp(departures, "none") == 0) {
        fputs("; full-range data: bit-exact", o);
    } else if (departures && departures[0]) {
        fputs("; full-range data: **not bit-exact**: ", o);
        md_cell(o, departures);
    }
}

void section_verification(FILE *o, const report *r)
{
    md_heading(o, 2, "2. Verification");
    fputs("Every benchmark times data from the range real tensors hold (normal floats of "
          "magnitude 2^-8 to 2^8: no denormals, infinities or NaN), and each implementation is "
          "proved bit-exact against the reference on that data, at each exact problem it is timed "
          "on, before it is timed; an implementation that fails is never timed and shows as FAIL in "
          "every table. At the same problems each is also run on full-range data (random floats "
          "over the whole range, and special values: +-0, +-inf, NaN, denormals); how it departs "
          "from the reference there is stated, by class, after the verdict (the whole matrix, with "
          "repro lines, is `chanmul verify`'s). Sources: the results' `verify:<impl>` and "
          "`departures:<impl>` context and any benchmark row with `error_occurred`.\n\n",
          o);
    /* the union of implementations, in kind/name order of first appearance */
    const rp_verify **rows = NULL;
    size_t nrows = 0;
    for (int k = 0; k < r->nm; k++)
        nrows += r->m[k].f.nverify;
    rows = calloc(nrows ? nrows : 1, sizeof *rows);
    if (!rows)
        return;
    size_t n = 0;
    for (int k = 0; k < r->nm; k++)
        for (size_t i = 0; i < r->m[k].f.nverify; i++) {
            const rp_verify *v = &r->m[k].f.verify[i];
            size_t q;
            for (q = 0; q < n && strcmp(rows[q]->impl, v->impl) != 0; q++)
                ;
            if (q == n)
                rows[n++] = v;
        }
    for (size_t i = 1; i < n; i++) /* insertion sort: kind, then name */
        for (size_t k = i; k > 0; k--) {
            const rp_verify *x = rows[k - 1], *y = rows[k];
            int kx = rp_kind_rank(x->kind), ky = rp_kind_rank(y->kind);
            if (kx < ky || (kx == ky && strcmp(x->impl, y->impl) <= 0))
                break;
            rows[k - 1] = y;
            rows[k] = x;
        }
    if (!n) {
        fputs("The results carry no verification verdicts (no `verify:<impl>` context keys).\n", o);
        free(rows);
        return;
    }
    machine_columns(o, r, "| Implementation | Kind |", "|---|---|");
    for (size_t i = 0; i < n; i++) {
        fputs("| ", o);
        md_cell(o, rows[i]->label);
        fprintf(o, " | %s |", rows[i]->kind);
        for (int k = 0; k < r->nm; k++) {
            fputc(' ', o);
            verify_cell(o, &r->m[k].f, find_verify(&r->m[k].f, rows[i]->impl));
            fputs(" |", o);
        }
        fputc('\n', o);
    }
    free(rows);
}
