/*
 * The selection file `chanmul tune` writes and `auto`, `explain` and the
 * report read (impls/core/selection_file.c): chanmul_selection_parse, then
 * what its readers ask of a parsed file (the origin check, lookup and the
 * trilinear decision at every entry's own point and between them).
 *
 * Properties: an entry's own point is always decided (it is in the file's
 * grid) and picks an implementation auto may run; the file as written back
 * (chanmul_selection_format) parses to the same entries and writes back to
 * the same text.
 */
#include "fuzz_input.h"

#include "chanmul.h"
#include "selection.h"

/* The entries asked about per input: enough to reach every branch of the
 * decision, few enough that a file of many entries stays fast. */
#define ASKED 8

static void check_decisions(const chanmul_selection *sel)
{
    for (size_t i = 0; i < sel->count && i < ASKED; i++) {
        const chanmul_selection_entry *e = &sel->entries[i];
        chanmul_selection_decision d;
        FUZZ_CHECK(chanmul_selection_lookup(sel, &e->p, e->threads) != NULL);
        FUZZ_CHECK(chanmul_selection_decide(sel, &e->p, e->threads, &d) == 0);
        FUZZ_CHECK(d.pick && d.nearest && d.points >= 1 && d.points <= 8);
        /* between this point and the next: a cell of the grid, or beyond it */
        const chanmul_selection_entry *next = &sel->entries[(i + 1) % sel->count];
        chanmul_problem mid = e->p;
        mid.n = (e->p.n + next->p.n) / 2 + 1;
        mid.c = (e->p.c + next->p.c) / 2;
        int rc = chanmul_selection_decide(sel, &mid, (e->threads + next->threads) / 2, &d);
        FUZZ_CHECK(rc == 0 || rc == -2);
        FUZZ_CHECK(rc != 0 || d.pick);
    }
}

/* Written back, read again, written again: the same text. */
static void check_round_trip(const chanmul_selection *sel)
{
    char *text = chanmul_selection_format(sel);
    FUZZ_CHECK(text != NULL);
    chanmul_selection back;
    char err[1024];
    FUZZ_CHECK(chanmul_selection_parse(text, strlen(text), "written", &back, err, sizeof err) == 0);
    FUZZ_CHECK(back.count == sel->count && back.skipped == 0);
    char *again = chanmul_selection_format(&back);
    FUZZ_CHECK(again != NULL && strcmp(again, text) == 0);
    free(again);
    free(text);
    chanmul_selection_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    chanmul_selection sel;
    char err[1024], why[512];
    if (chanmul_selection_parse((const char *)data, size, "fuzz.json", &sel, err, sizeof err) != 0) {
        FUZZ_CHECK(sel.count == 0 && sel.entries == NULL); /* "on error *sel is left empty" */
        return 0;
    }
    chanmul_selection_check_origin(&sel, why, sizeof why);
    check_decisions(&sel);
    check_round_trip(&sel);
    chanmul_selection_free(&sel);
    return 0;
}
