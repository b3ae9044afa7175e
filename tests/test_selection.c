/*
 * test_selection: the selection file's format (impls/core/selection.h): a
 * selection written and read back is the same; one made on another CPU or by
 * another build is refused naming the field that differs; every truncation of
 * a valid file, and other malformed texts, are refused naming the file and a
 * line:column, never crashing; entries this process cannot use are skipped
 * and counted while the rest are kept; a problem's region is its nearest
 * grid point; auto, forced to a file-less heuristic, picks stream.
 *
 * The last line printed is exactly "N passed, M failed"; the exit status is
 * non-zero when M > 0.
 */
#include "chanmul.h"
#include "selection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static chanmul_selection_entry entry(chanmul_op op, chanmul_layout layout, size_t n, size_t h, size_t c,
                                     int threads, const char *winner, const char *runner)
{
    chanmul_selection_entry e;
    memset(&e, 0, sizeof e);
    e.p = (chanmul_problem){op, layout, n, h, h, c};
    e.threads = threads;
    e.winner = chanmul_impl_find(winner);
    e.runner_up = chanmul_impl_find(runner);
    e.winner_ns = 100.0 + (double)c;
    e.runner_up_ns = 120.0 + (double)c;
    e.margin = 0.2;
    e.margin_low = 0.1;
    e.margin_high = 0.3;
    e.tie = 0;
    e.uses_tunables = strcmp(winner, "stream") == 0;
    e.candidates = 2;
    e.candidate[0] = e.winner;
    e.candidate_ns[0] = e.winner_ns;
    e.candidate[1] = e.runner_up;
    e.candidate_ns[1] = e.runner_up_ns;
    return e;
}

/* A selection of this CPU and build with a small grid. */
static void make_selection(chanmul_selection *sel, chanmul_selection_entry *entries, size_t count)
{
    memset(sel, 0, sizeof *sel);
    chanmul_cpu_signature_get(&sel->cpu);
    sel->build = *chanmul_build_identity_get();
    snprintf(sel->command, sizeof sel->command, "test_selection");
    sel->tunables.min_elements_per_thread = 12345;
    sel->tunables.nontemporal_min_bytes = 67890123;
    snprintf(sel->tunables_evidence, sizeof sel->tunables_evidence, "synthetic");
    sel->entries = entries;
    sel->count = count;
}

static int parse(const char *text, chanmul_selection *out, char *err, size_t len)
{
    return chanmul_selection_parse(text, strlen(text), "sel.json", out, err, len);
}

/* text with the first occurrence of from replaced by to (malloc'd). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        return NULL;
    size_t head = (size_t)(at - text), tl = strlen(to), fl = strlen(from);
    char *out = malloc(strlen(text) - fl + tl + 1);
    memcpy(out, text, head);
    memcpy(out + head, to, tl);
    strcpy(out + head + tl, at + fl);
    return out;
}

/* A grid point where simd and stream took simd_ns and stream_ns. */
static chanmul_selection_entry timed(size_t n, size_t h, size_t c, double simd_ns, double stream_ns)
{
    chanmul_selection_entry e = entry(CHANMUL_OP_SCALE_NC, CHANMUL_NCHW, n, h, c, 2,
                                      simd_ns <= stream_ns ? "simd" : "stream",
                                      simd_ns <= stream_ns ? "stream" : "simd");
    e.candidate[0] = chanmul_impl_find("simd");
    e.candidate_ns[0] = simd_ns;
    e.candidate[1] = chanmul_impl_find("stream");
    e.candidate_ns[1] = stream_ns;
    return e;
}

/* chanmul_selection_decide: the cell's corners weighed, not the nearest point alone. */
static void test_decide(void)
{
    /* a 2x2x2 grid: simd ties stream at 8x28x28x256 only; stream is twice as fast elsewhere */
    chanmul_selection_entry grid[8];
    int k = 0;
    for (int in = 0; in < 2; in++)
        for (int ih = 0; ih < 2; ih++)
            for (int ic = 0; ic < 2; ic++) {
                int tie = in && ih && ic;
                grid[k++] = timed(in ? 8 : 1, ih ? 28 : 7, ic ? 256 : 64, tie ? 100 : 200, tie ? 101 : 100);
            }
    chanmul_selection sel;
    make_selection(&sel, grid, 8);
    chanmul_selection_decision d;
    chanmul_problem p = {CHANMUL_OP_SCALE_NC, CHANMUL_NCHW, 5, 20, 20, 160};
    const chanmul_impl *simd = chanmul_impl_find("simd"), *stream = chanmul_impl_find("stream");
    CHECK(chanmul_selection_lookup(&sel, &p, 2)->winner == simd, "nearest point's winner is simd");
    int rc = chanmul_selection_decide(&sel, &p, 2, &d);
    CHECK(rc == 0 && d.pick == stream && d.runner_up == simd && d.points == 8,
          "5x20x20x160: rc %d, pick %s over %d points", rc, d.pick ? d.pick->name : "-", d.points);
    CHECK(d.pick_regret < 0.01 && d.runner_up_regret > 0.3, "regrets %g %g", d.pick_regret,
          d.runner_up_regret);
    /* on a grid point: that point alone, and its tie goes to the simpler kernel */
    p = (chanmul_problem){CHANMUL_OP_SCALE_NC, CHANMUL_NCHW, 8, 28, 28, 256};
    rc = chanmul_selection_decide(&sel, &p, 2, &d);
    CHECK(rc == 0 && d.points == 1 && d.pick == simd, "on the tied point: %d points, pick %s", d.points,
          d.pick ? d.pick->name : "-");
    /* outside the grid: its edge */
    p = (chanmul_problem){CHANMUL_OP_SCALE_NC, CHANMUL_NCHW, 16, 3, 3, 4096};
    rc = chanmul_selection_decide(&sel, &p, 1, &d);
    CHECK(rc == 0 && d.points == 1 && d.nearest->p.n == 8 && d.nearest->p.h == 7 && d.nearest->p.c == 256 &&
              d.pick == stream,
          "outside: %d points, nearest %zux%zux%zu", d.points, d.nearest ? d.nearest->p.n : 0,
          d.nearest ? d.nearest->p.h : 0, d.nearest ? d.nearest->p.c : 0);
    /* far beyond the grid's largest point: not the file's region */
    p = (chanmul_problem){CHANMUL_OP_SCALE_NC, CHANMUL_NCHW, 64, 56, 56, 4096};
    CHECK(chanmul_selection_decide(&sel, &p, 2, &d) == -2, "beyond the grid: -2");
    /* a candidate not measured at every corner is not scored */
    grid[0].candidates = 1; /* 1x7x7x64 lost stream */
    p = (chanmul_problem){CHANMUL_OP_SCALE_NC, CHANMUL_NCHW, 2, 9, 9, 100};
    rc = chanmul_selection_decide(&sel, &p, 2, &d);
    CHECK(rc == 0 && d.pick == simd && d.runner_up == NULL, "with stream unmeasured at a corner: %s",
          d.pick ? d.pick->name : "-");
    p.op = CHANMUL_OP_GATE;
    CHECK(chanmul_selection_decide(&sel, &p, 2, &d) == -1, "no entry for the gate");
}

int main(void)
{
    test_decide();
    chanmul_selection_entry entries[] = {
        entry(CHANMUL_OP_SCALE, CHANMUL_NHWC, 1, 7, 64, 1, "simd", "stream"),
        entry(CHANMUL_OP_SCALE, CHANMUL_NHWC, 32, 28, 64, 1, "stream", "simd"),
        entry(CHANMUL_OP_SCALE, CHANMUL_NHWC, 1, 7, 64, 2, "naive", "simd"),
        entry(CHANMUL_OP_SCALE, CHANMUL_NCHW, 8, 14, 256, 2, "omp_tiled", "stream"),
        entry(CHANMUL_OP_GATE, CHANMUL_NHWC, 8, 14, 8, 2, "map", "stream"),
    };
    size_t count = sizeof entries / sizeof entries[0];
    chanmul_selection sel, back;
    char err[1024];
    make_selection(&sel, entries, count);
    char *text = chanmul_selection_format(&sel);
    CHECK(text != NULL, "format failed");
    if (!text)
        return 1;

    /* round trip */
    int rc = parse(text, &back, err, sizeof err);
    CHECK(rc == 0, "parse of a formatted selection failed: %s", err);
    CHECK(back.count == count && back.skipped == 0, "%zu entries, %zu skipped", back.count, back.skipped);
    for (size_t i = 0; i < back.count && i < count; i++) {
        const chanmul_selection_entry *a = &entries[i], *b = &back.entries[i];
        CHECK(a->p.op == b->p.op && a->p.layout == b->p.layout && a->p.n == b->p.n && a->p.h == b->p.h &&
                  a->p.w == b->p.w && a->p.c == b->p.c && a->threads == b->threads,
              "entry %zu's problem changed", i);
        CHECK(a->winner == b->winner && a->runner_up == b->runner_up && a->winner_ns == b->winner_ns &&
                  a->margin == b->margin && a->margin_low == b->margin_low && a->tie == b->tie &&
                  a->uses_tunables == b->uses_tunables && b->candidates == 2,
              "entry %zu's decision changed", i);
    }
    CHECK(back.tunables.min_elements_per_thread == 12345 && back.tunables.nontemporal_min_bytes == 67890123,
          "tunables %zu %zu", back.tunables.min_elements_per_thread, back.tunables.nontemporal_min_bytes);
    CHECK(chanmul_selection_check_origin(&back, err, sizeof err) == 0, "own file refused: %s", err);

    /* regions: the nearest grid point of the same op and layout, nearest threads first */
    chanmul_problem q = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 2, 8, 8, 48};
    const chanmul_selection_entry *e = chanmul_selection_lookup(&back, &q, 1);
    CHECK(e && e->winner == chanmul_impl_find("simd"), "2x8x8x48 at 1 thread: %s", e ? e->winner->name : "none");
    q = (chanmul_problem){CHANMUL_OP_SCALE, CHANMUL_NHWC, 24, 30, 30, 80};
    e = chanmul_selection_lookup(&back, &q, 1);
    CHECK(e && e->winner == chanmul_impl_find("stream"), "24x30x30x80: %s", e ? e->winner->name : "none");
    e = chanmul_selection_lookup(&back, &q, 2); /* the only 2-thread nhwc scale entry */
    CHECK(e && e->winner == chanmul_impl_find("naive"), "2 threads: %s", e ? e->winner->name : "none");
    e = chanmul_selection_lookup(&back, &q, 4); /* nearest thread count: 2 */
    CHECK(e && e->threads == 2, "4 threads -> entry of %d", e ? e->threads : -1);
    q.op = CHANMUL_OP_SCALE_NC;
    CHECK(chanmul_selection_lookup(&back, &q, 1) == NULL, "scale_nc has no entry");
    chanmul_selection_free(&back);

    /* another CPU, another build: refused, naming the field */
    static const struct {
        const char *from, *to, *expect;
    } origin[] = {
        {"\"model\":", "\"model\":9999, \"was_model\":", "model: file 9999"},
        {"\"vendor\":\t\"", "\"vendor\":\t\"X", "vendor: file 'X"},
        {"\"isa\":\t\"", "\"isa\":\t\"x", "isa: file 'x"},
        {"\"l2_bytes\":", "\"l2_bytes\":7, \"old_l2\":", "l2_bytes: file 7"},
        {"\"cores\":", "\"cores\":999, \"old\":", "cores: file 999"},
        {"\"git_revision\":\t\"", "\"git_revision\":\t\"other-", "git_revision: file 'other-"},
        {"\"compiler\":\t\"", "\"compiler\":\t\"cc9 ", "compiler: file 'cc9 "},
    };
    for (size_t i = 0; i < sizeof origin / sizeof origin[0]; i++) {
        char *mutated = replace(text, origin[i].from, origin[i].to);
        CHECK(mutated != NULL, "pattern %s not in the file", origin[i].from);
        if (!mutated)
            continue;
        rc = parse(mutated, &back, err, sizeof err);
        CHECK(rc == 0, "mutated origin should still parse: %s", err);
        if (rc == 0) {
            rc = chanmul_selection_check_origin(&back, err, sizeof err);
            CHECK(rc == CHANMUL_ESELECTION && strstr(err, origin[i].expect),
                  "origin %s: rc %d, '%s' (expected '%s')", origin[i].from, rc, err, origin[i].expect);
            chanmul_selection_free(&back);
        }
        free(mutated);
    }

    /* every truncation is an error naming the file and a line:column, never a crash */
    size_t len = strlen(text);
    long truncations_ok = 0;
    for (size_t cut = 0; cut < len; cut++) {
        char *prefix = malloc(cut + 1);
        memcpy(prefix, text, cut);
        prefix[cut] = '\0';
        rc = chanmul_selection_parse(prefix, cut, "sel.json", &back, err, sizeof err);
        if (rc == CHANMUL_ESELECTION && strncmp(err, "sel.json:", 9) == 0 && strstr(err, ": truncated"))
            truncations_ok++;
        else
            CHECK(0, "prefix of %zu bytes: rc %d, '%s'", cut, rc, err);
        if (rc == 0)
            chanmul_selection_free(&back);
        free(prefix);
    }
    CHECK(truncations_ok == (long)len, "%ld of %zu truncations refused", truncations_ok, len);
    rc = parse("{\"chanmul_selection\": 1, \"cpu\": [}", &back, err, sizeof err);
    CHECK(rc == CHANMUL_ESELECTION && strstr(err, "sel.json:1:"), "malformed: '%s'", err);
    rc = parse("{\n  \"chanmul_selection\": 1,\n  \"cpu\": tru\n}", &back, err, sizeof err);
    CHECK(rc == CHANMUL_ESELECTION && strstr(err, "sel.json:3:"), "position on line 3: '%s'", err);

    /* the right syntax, the wrong content */
    static const struct {
        const char *from, *to, *expect;
    } content[] = {
        {"\"chanmul_selection\":\t1", "\"chanmul_selection\":\t2", "format version"},
        {"\"cpu\":", "\"cpu_was\":", "'cpu'"},
        {"\"build\":", "\"build_was\":", "'build'"},
        {"\"entries\":", "\"entries_was\":", "'entries'"},
        {"\"family\":", "\"family\":\"x\", \"f\":", "cpu.family"},
    };
    for (size_t i = 0; i < sizeof content / sizeof content[0]; i++) {
        char *mutated = replace(text, content[i].from, content[i].to);
        CHECK(mutated != NULL, "pattern %s not in the file", content[i].from);
        if (!mutated)
            continue;
        rc = parse(mutated, &back, err, sizeof err);
        CHECK(rc == CHANMUL_ESELECTION && strstr(err, "sel.json") && strstr(err, content[i].expect),
              "content %s: rc %d, '%s'", content[i].from, rc, err);
        if (rc == 0)
            chanmul_selection_free(&back);
        free(mutated);
    }

    /* unusable entries are skipped, the others kept */
    char *one_bad = replace(text, "\"winner\":\t\"naive\"", "\"winner\":\t\"no_such_kernel\"");
    char *two_bad = one_bad ? replace(one_bad, "\"layout\":\t\"nchw\"", "\"layout\":\t\"nwhc\"") : NULL;
    CHECK(two_bad != NULL, "patterns for bad entries not found");
    if (two_bad) {
        rc = parse(two_bad, &back, err, sizeof err);
        CHECK(rc == 0 && back.count == count - 2 && back.skipped == 2, "rc %d, %zu kept, %zu skipped", rc,
              back.count, back.skipped);
        CHECK(strstr(back.first_skip, "entry 2") && strstr(back.first_skip, "no_such_kernel"),
              "first skip: '%s'", back.first_skip);
        if (rc == 0)
            chanmul_selection_free(&back);
    }
    /* auto must never be told to run itself or the reference */
    char *self = replace(text, "\"winner\":\t\"simd\"", "\"winner\":\t\"auto\"");
    char *ref = self ? replace(self, "\"winner\":\t\"stream\"", "\"winner\":\t\"reference\"") : NULL;
    if (ref) {
        rc = parse(ref, &back, err, sizeof err);
        CHECK(rc == 0 && back.skipped == 2, "auto / reference winners: %zu skipped", back.skipped);
        if (rc == 0)
            chanmul_selection_free(&back);
    }
    free(one_bad);
    free(two_bad);
    free(self);
    free(ref);

    /* the heuristic */
    chanmul_cpu_signature cpu;
    chanmul_cpu_signature_get(&cpu);
    const chanmul_impl *pick = NULL;
    chanmul_tunables tun;
    char why[512];
    chanmul_problem p = {CHANMUL_OP_GATE, CHANMUL_NCHW, 3, 5, 5, 17};
    chanmul_heuristic_choose(&p, 2, &cpu, &pick, &tun, why, sizeof why);
    CHECK(pick && chanmul_selectable(pick, p.op), "heuristic picked %s", pick ? pick->name : "nothing");
    CHECK(strstr(why, "heuristic") != NULL, "why: %s", why);
    CHECK(!chanmul_selectable(chanmul_impl_find("auto"), CHANMUL_OP_SCALE) &&
              !chanmul_selectable(chanmul_impl_find("reference"), CHANMUL_OP_SCALE),
          "auto and the reference are not selectable");
    CHECK(cpu.llc_bytes > 0 && cpu.cores > 0 && cpu.isa[0], "cpu signature incomplete");

    free(text);
    return check_summary();
}
