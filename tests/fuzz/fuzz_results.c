/*
 * The results reader of `chanmul report` and `chanmul compare`
 * (harness/report/report_data.c, rp_parse: rp_load_op without the file):
 * Google Benchmark JSON with chanmul's context, then what compare does with
 * the files it read (cmp_compare, and its Markdown table).
 *
 * The input is one results file, or several separated by form feeds (a
 * byte JSON holds nowhere: outside strings it is not whitespace, inside it
 * must be escaped): compare's runs, the first half the base side, the
 * second the new one. One file is read whole (every op) and as the one-op
 * views the report makes (scale, bcast), and compared with itself, one run
 * per side, two, and two paired rounds (each mode words its notes apart).
 *
 * Properties: the model's indexes hold (every point's series and site
 * exist, the sites cover the points in order), and a file compared with
 * itself neither regresses nor improves.
 */
#include "fuzz_input.h"

#include "compare.h"
#include "report_model.h"

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    devnull = fopen("/dev/null", "w");
    return devnull ? 0 : 1;
}

static void check_model(const rp_file *f)
{
    size_t covered = 0;
    for (size_t k = 0; k < f->nsites; k++) {
        const rp_site *s = &f->sites[k];
        FUZZ_CHECK(s->first == covered && s->count > 0);
        covered += s->count;
        FUZZ_CHECK(covered <= f->npoints);
        const rp_point *best = rp_best(f, s, NULL, NULL);
        FUZZ_CHECK(!best || (best >= f->points + s->first && best < f->points + s->first + s->count));
    }
    FUZZ_CHECK(covered == f->npoints);
    for (size_t i = 0; i < f->npoints; i++) {
        const rp_point *p = &f->points[i];
        FUZZ_CHECK(p->series >= 0 && (size_t)p->series < f->nseries);
        FUZZ_CHECK(p->site >= 0 && (size_t)p->site < f->nsites);
        FUZZ_CHECK(rp_at(f, &f->sites[p->site], p->series) != NULL);
    }
    for (size_t i = 0; i < f->nsites; i = rp_layout_end(f, i)) {
        int threads[16];
        size_t end = rp_layout_end(f, i);
        FUZZ_CHECK(end > i && end <= f->nsites);
        int n = rp_site_threads(f, i, end, threads, 16);
        FUZZ_CHECK(n >= 0 && n <= 16);
    }
    char buf[64];
    rp_context(f, "cpu_model", buf, sizeof buf);
    rp_context(f, "l3_bytes", buf, sizeof buf);
}

/* compare's verdicts of nbase runs against nnew; 0, or -1 when they have
 * nothing to compare (then no other mode has either). */
static int compare(const rp_file *base, size_t nbase, const rp_file *new_runs, size_t nnew, int paired,
                   int same)
{
    cmp_options o;
    cmp_options_init(&o);
    o.paired = paired;
    cmp_result r;
    char err[1024];
    if (cmp_compare(base, nbase, new_runs, nnew, &o, &r, err, sizeof err) != 0)
        return -1;
    if (same)
        FUZZ_CHECK(r.counts[CMP_REGRESSION] == 0 && r.counts[CMP_IMPROVEMENT] == 0);
    cmp_write_markdown(devnull, &r, "base", "new", 2, CMP_MD_ALL | CMP_MD_RAW);
    cmp_free(&r);
    return 0;
}

static void one_file(const char *text, size_t len)
{
    static const char *const views[] = {NULL, "scale", "bcast"};
    for (size_t v = 0; v < sizeof views / sizeof views[0]; v++) {
        rp_file f;
        char err[1024];
        if (rp_parse(text, len, "fuzz.json", views[v], &f, err, sizeof err) != 0)
            return; /* refused: the views would refuse it alike */
        check_model(&f);
        if (v == 0) {
            const rp_file runs[2] = {f, f}; /* (shallow copies: read only) */
            if (compare(runs, 1, runs, 1, 0, 1) == 0 && compare(runs, 2, runs, 2, 0, 1) == 0)
                compare(runs, 2, runs, 2, 1, 1);
        }
        rp_free(&f);
    }
}

#define MAX_FILES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data, *end = text + size;
    if (!memchr(text, '\f', size)) {
        one_file(text, size);
        return 0;
    }
    rp_file files[MAX_FILES];
    size_t n = 0;
    int ok = 1;
    for (const char *at = text; ok && n < MAX_FILES && at <= end;) {
        const char *ff = memchr(at, '\f', (size_t)(end - at));
        size_t len = (size_t)((ff ? ff : end) - at);
        char err[1024];
        ok = rp_parse(at, len, "fuzz.json", NULL, &files[n], err, sizeof err) == 0;
        if (ok)
            check_model(&files[n++]);
        at += len + 1;
    }
    size_t nbase = n / 2;
    if (ok && nbase > 0 && compare(files, nbase, files + nbase, n - nbase, 0, 0) == 0 && n == 2 * nbase)
        compare(files, nbase, files + nbase, nbase, 1, 0);
    for (size_t i = 0; i < n; i++)
        rp_free(&files[i]);
    return 0;
}
