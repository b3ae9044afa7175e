/*
 * test_api: the public interface's promises (include/chanmul.h), one assertion
 * at a time. Every error code of chanmul_check()/chanmul_run() for its case,
 * with y left untouched; strerror texts; zero-size problems; in place for every
 * registered implementation; the registry; the CHANMUL_MAX_ISA cap.
 *
 * The last line printed is exactly "N passed, M failed"; the exit status is
 * non-zero when M > 0.
 */
#define _POSIX_C_SOURCE 200809L /* setenv, unsetenv, strdup */

#include "chanmul.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- helpers ------------------------------------------------------------------- */

#define SENTINEL_BITS 0x7fa5a5a5u /* a signalling-NaN pattern no kernel produces */

static float sentinel(void)
{
    uint32_t b = SENTINEL_BITS;
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}

static void fill_sentinel(float *y, size_t n)
{
    float v = sentinel();
    for (size_t i = 0; i < n; i++)
        y[i] = v;
}

/* Index of the first element that is no longer the sentinel, or n. */
static size_t first_touched(const float *y, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t b;
        memcpy(&b, &y[i], sizeof b);
        if (b != SENTINEL_BITS)
            return i;
    }
    return n;
}

/* Small distinct integers: exact products, and a wrong index cannot pass. */
static void fill_inputs(float *x, size_t total, float *s, size_t c, unsigned seed)
{
    for (size_t i = 0; i < total; i++)
        x[i] = (float)(1 + (int)((i * 7 + seed) % 13)) * ((i + seed) % 3 == 0 ? -1.0f : 1.0f);
    for (size_t k = 0; k < c; k++)
        s[k] = (float)(2 + (int)((k + seed) % 97));
}

static chanmul_problem problem(chanmul_layout layout, size_t n, size_t h, size_t w, size_t c)
{
    chanmul_problem p = {CHANMUL_OP_SCALE, layout, n, h, w, c};
    return p;
}

/* A spy implementation: records whether it was called, and scribbles on y. */
static int spy_calls;

static int spy_kernel(const chanmul_problem *p, const float *x, const float *s, float *y,
                      int threads)
{
    (void)x;
    (void)s;
    (void)threads;
    spy_calls++;
    if (p && y)
        y[0] = 42.0f;
    return CHANMUL_OK;
}

static int spy_unavailable(const char **why)
{
    *why = "the test says so";
    return 0;
}

/* (an ABI-1 kernel: the signature plugins of ABI 1 still load with) */
static const chanmul_impl spy = {"spy", CHANMUL_KIND_PLUGIN, 1, "test spy", NULL, {NULL}, spy_kernel, 0};
static const chanmul_impl spy_absent = {"spy_absent", CHANMUL_KIND_PLUGIN, 1,
                                        "test spy that is never available", spy_unavailable,
                                        {NULL}, spy_kernel, 0};

/* Buffers for the error cases: one arena, so overlaps can be arranged. */
#define ARENA 4096
static float arena[ARENA];

/*
 * Asserts chanmul_check(p, x, s, y, threads) == want, and that chanmul_run()
 * with the spy and with every registered implementation returns want without
 * calling the kernel or writing any of y_len floats at y (when y is not NULL).
 */
static void expect_error(const char *what, const chanmul_problem *p, const float *x,
                         const float *s, float *y, size_t y_len, int threads, int want)
{
    int got = chanmul_check(p, x, s, y, threads);
    CHECK(got == want, "%s: chanmul_check returned %d (%s), expected %d (%s)", what, got,
          chanmul_strerror(got), want, chanmul_strerror(want));

    if (y)
        fill_sentinel(y, y_len);
    spy_calls = 0;
    got = chanmul_run(&spy, p, x, s, y, threads);
    CHECK(got == want, "%s: chanmul_run(spy) returned %d (%s), expected %d (%s)", what, got,
          chanmul_strerror(got), want, chanmul_strerror(want));
    CHECK(spy_calls == 0, "%s: the kernel was called although the arguments are invalid", what);
    if (y) {
        size_t at = first_touched(y, y_len);
        CHECK(at == y_len, "%s: chanmul_run(spy) wrote y[%zu]", what, at);
    }
    /* When the checks let this case through, a real kernel would run on invalid
     * arguments (and probably crash): the failure is already counted. */
    if (got != want || spy_calls != 0)
        return;
    for (size_t i = 0; i < chanmul_impl_count(); i++) {
        const chanmul_impl *impl = chanmul_impl_at(i);
        if (y)
            fill_sentinel(y, y_len);
        got = chanmul_run(impl, p, x, s, y, threads);
        CHECK(got == want, "%s: chanmul_run(%s) returned %d (%s), expected %d (%s)", what,
              impl->name, got, chanmul_strerror(got), want, chanmul_strerror(want));
        if (y) {
            size_t at = first_touched(y, y_len);
            CHECK(at == y_len, "%s: chanmul_run(%s) wrote y[%zu]", what, impl->name, at);
        }
    }
}

/* ---- error codes ------------------------------------------------------------------- */

static void test_null_pointers(void)
{
    chanmul_problem p = problem(CHANMUL_NHWC, 1, 2, 3, 4); /* 24 elements */
    float *x = arena, *s = arena + 100, *y = arena + 200;
    fill_inputs(x, 24, s, 4, 1);
    expect_error("NULL x", &p, NULL, s, y, 24, 1, CHANMUL_ENULL);
    expect_error("NULL s", &p, x, NULL, y, 24, 1, CHANMUL_ENULL);
    expect_error("NULL y", &p, x, s, NULL, 0, 1, CHANMUL_ENULL);
    expect_error("NULL x, s and y", &p, NULL, NULL, NULL, 0, 1, CHANMUL_ENULL);
    expect_error("NULL x in place (x == y == NULL)", &p, NULL, s, NULL, 0, 1, CHANMUL_ENULL);
    p.layout = CHANMUL_NCHW;
    expect_error("NULL x, NCHW", &p, NULL, s, y, 24, 0, CHANMUL_ENULL);
}

static void test_overflow(void)
{
    float *x = arena, *s = arena + 100, *y = arena + 200;
    const size_t big = (size_t)1 << 20;
    chanmul_problem p = problem(CHANMUL_NHWC, big, big, big, big); /* 2^80 elements */
    expect_error("dims 2^20 each", &p, x, s, y, 16, 1, CHANMUL_EOVERFLOW);
    p.layout = CHANMUL_NCHW;
    expect_error("dims 2^20 each, NCHW", &p, x, s, y, 16, 1, CHANMUL_EOVERFLOW);

    /* The element count fits in size_t, but *sizeof(float) does not. */
    const size_t count_fits = SIZE_MAX / sizeof(float) + 1;
    p = problem(CHANMUL_NHWC, count_fits, 1, 1, 1);
    expect_error("count fits, bytes overflow (N)", &p, x, s, y, 16, 1, CHANMUL_EOVERFLOW);
    p = problem(CHANMUL_NCHW, 1, 1, 1, count_fits);
    expect_error("count fits, bytes overflow (C)", &p, x, s, y, 16, 1, CHANMUL_EOVERFLOW);
    p = problem(CHANMUL_NHWC, (size_t)1 << 31, (size_t)1 << 31, 1, 1); /* 2^62 * 4 = 2^64 */
    expect_error("count 2^62 split over N and H", &p, x, s, y, 16, 1, CHANMUL_EOVERFLOW);
    /* The product overflows only at the last factor. */
    p = problem(CHANMUL_NHWC, (size_t)1 << 16, (size_t)1 << 16, (size_t)1 << 16, (size_t)1 << 16);
    expect_error("2^64 elements", &p, x, s, y, 16, 1, CHANMUL_EOVERFLOW);

    /* The boundary: SIZE_MAX / 4 elements fit exactly, so this is no overflow;
     * with NULL pointers the next check (ENULL) answers. Only chanmul_check:
     * nothing may run on such a problem. */
    p = problem(CHANMUL_NHWC, SIZE_MAX / sizeof(float), 1, 1, 1);
    int got = chanmul_check(&p, NULL, NULL, NULL, 1);
    CHECK(got == CHANMUL_ENULL, "SIZE_MAX/4 elements (fits): chanmul_check returned %d (%s), expected ENULL",
          got, chanmul_strerror(got));
    int err = -99;
    size_t n = chanmul_problem_elements(&p, &err);
    CHECK(err == 0 && n == SIZE_MAX / sizeof(float),
          "chanmul_problem_elements(SIZE_MAX/4) = %zu, err %d", n, err);
    p = problem(CHANMUL_NHWC, count_fits, 1, 1, 1);
    err = 0;
    n = chanmul_problem_elements(&p, &err);
    CHECK(err == CHANMUL_EOVERFLOW && n == 0,
          "chanmul_problem_elements(SIZE_MAX/4 + 1) = %zu, err %d, expected 0 and EOVERFLOW", n, err);
    p = problem(CHANMUL_NHWC, 2, 3, 5, 7);
    n = chanmul_problem_elements(&p, &err);
    CHECK(err == 0 && n == 210, "chanmul_problem_elements(2x3x5x7) = %zu, err %d", n, err);
}

static void test_overlap(void)
{
    chanmul_problem p = problem(CHANMUL_NHWC, 1, 2, 2, 8); /* 32 elements */
    const size_t total = 32;
    float s_buf[8];
    float *x = arena + 1000;
    fill_inputs(s_buf, 0, s_buf, 8, 3);

    /* x and y overlap without being identical: y after x, y before x, by one element
     * at the end only, and in NCHW. Fill x first: the checks must not write y (= part of x). */
    struct {
        const char *what;
        ptrdiff_t y_offset;
    } xy[] = {{"y = x + 1", 1}, {"y = x - 1", -1}, {"y = x + total - 1", (ptrdiff_t)total - 1},
              {"y = x - (total - 1)", -(ptrdiff_t)total + 1}, {"y = x + total/2", (ptrdiff_t)total / 2}};
    for (size_t i = 0; i < COUNT_OF(xy); i++) {
        float *y = x + xy[i].y_offset;
        expect_error(xy[i].what, &p, x, s_buf, y, total, 1, CHANMUL_EOVERLAP_XY);
    }
    p.layout = CHANMUL_NCHW;
    expect_error("y = x + 3, NCHW", &p, x, s_buf, x + 3, total, 2, CHANMUL_EOVERLAP_XY);
    p.layout = CHANMUL_NHWC;

    /* s overlaps y: inside, at y's first and last element, straddling either end;
     * also when y == x (in place) and when s is x and y all at once. */
    float *y = arena + 2000, *xs = arena + 1000;
    struct {
        const char *what;
        ptrdiff_t s_offset; /* relative to y */
    } sy[] = {{"s inside y", 4}, {"s = y", 0}, {"s straddles y's start", -4},
              {"s straddles y's end", (ptrdiff_t)total - 4}, {"s = y's last element", (ptrdiff_t)total - 1},
              {"s ends at y's first element", -7}};
    for (size_t i = 0; i < COUNT_OF(sy); i++) {
        const float *s = y + sy[i].s_offset;
        expect_error(sy[i].what, &p, xs, s, y, total, 1, CHANMUL_EOVERLAP_SY);
        /* in place: y == x, and s overlaps both */
        expect_error(sy[i].what, &p, y, s, y, total, 1, CHANMUL_EOVERLAP_SY);
    }
    p.layout = CHANMUL_NCHW;
    expect_error("s inside y, in place, NCHW", &p, y, y + 8, y, total, 0, CHANMUL_EOVERLAP_SY);
    p.layout = CHANMUL_NHWC;
}

/* Overlap checks must not wrap around: a region whose end address would wrap
 * (pointer + bytes > UINTPTR_MAX) still covers everything from its start up.
 * Only chanmul_check: the pointers are made-up addresses, never dereferenced. */
static void test_overlap_no_wraparound(void)
{
    /* SIZE_MAX/4 elements fit (no EOVERFLOW); x + bytes wraps to below y. */
    chanmul_problem p = problem(CHANMUL_NHWC, SIZE_MAX / sizeof(float), 1, 1, 1);
    const float *x = (const float *)(uintptr_t)0x1000, *y = (const float *)(uintptr_t)0x2000;
    const float *s = (const float *)(uintptr_t)0x100;
    int got = chanmul_check(&p, x, s, y, 1);
    CHECK(got == CHANMUL_EOVERLAP_XY,
          "x=0x1000, y=0x2000, SIZE_MAX/4 elements (x's end wraps): chanmul_check returned %d (%s), "
          "expected EOVERLAP_XY", got, chanmul_strerror(got));
    got = chanmul_check(&p, y, s, x, 1);
    CHECK(got == CHANMUL_EOVERLAP_XY,
          "x=0x2000, y=0x1000, SIZE_MAX/4 elements: chanmul_check returned %d (%s), expected EOVERLAP_XY",
          got, chanmul_strerror(got));
    /* In place (x == y), s above y's start and below its wrapped end. */
    got = chanmul_check(&p, x, y, x, 1);
    CHECK(got == CHANMUL_EOVERLAP_SY,
          "y=0x1000, s=0x2000, SIZE_MAX/4 elements (y's end wraps): chanmul_check returned %d (%s), "
          "expected EOVERLAP_SY", got, chanmul_strerror(got));
    /* s just below y: no overlap, whatever y's size. */
    got = chanmul_check(&p, x, (const float *)(uintptr_t)(0x1000 - sizeof(float)), x, 1);
    CHECK(got == 0, "s ends at y's start (y's end wraps): chanmul_check returned %d (%s), expected 0", got,
          chanmul_strerror(got));
    /* A region at the very top of the address space: y's end would be exactly 2^N. */
    p = problem(CHANMUL_NHWC, 4, 1, 1, 1);
    const float *top = (const float *)(uintptr_t)(UINTPTR_MAX - 15);
    got = chanmul_check(&p, (const float *)(uintptr_t)0x1000, (const float *)(uintptr_t)0x100, top, 1);
    CHECK(got == 0, "y in the top 16 bytes, x and s low: chanmul_check returned %d (%s), expected 0", got,
          chanmul_strerror(got));
    got = chanmul_check(&p, (const float *)(uintptr_t)(UINTPTR_MAX - 7), (const float *)(uintptr_t)0x100,
                        top, 1);
    CHECK(got == CHANMUL_EOVERLAP_XY, "x = y + 8 bytes at the top: chanmul_check returned %d (%s)", got,
          chanmul_strerror(got));
}

/* The boundaries of the overlap rules: adjacent buffers are fine, s may overlap x. */
static void test_overlap_allowed(void)
{
    chanmul_problem p = problem(CHANMUL_NHWC, 1, 2, 2, 8); /* 32 elements */
    const size_t total = 32, c = 8;
    float buf[32 + 32 + 8 + 8], expected[32];
    for (int layout = 0; layout < 2; layout++) {
        p.layout = (chanmul_layout)layout;
        const chanmul_impl *ref = chanmul_impl_find("reference");

        /* y directly after x, s directly after y: no byte shared. */
        float *x = buf, *y = buf + total, *s = buf + 2 * total;
        fill_inputs(x, total, s, c, 5);
        int got = chanmul_check(&p, x, s, y, 1);
        CHECK(got == 0, "adjacent x|y|s (%s): chanmul_check returned %d (%s)",
              chanmul_layout_name(p.layout), got, chanmul_strerror(got));
        /* y directly before x, s directly before y. */
        float *s2 = buf, *y2 = buf + c, *x2 = buf + c + total;
        got = chanmul_check(&p, x2, s2, y2, 1);
        CHECK(got == 0, "adjacent s|y|x (%s): chanmul_check returned %d (%s)",
              chanmul_layout_name(p.layout), got, chanmul_strerror(got));

        /* s inside x (both read-only) is allowed and computes the right thing. */
        float xin[32], yout[32], xcopy[32];
        fill_inputs(xin, total, xin, 0, 7);
        memcpy(xcopy, xin, sizeof xin);
        const float *s_in_x = xin + 5;
        got = chanmul_run(ref, &p, xcopy, xcopy + 5, expected, 1);
        CHECK(got == 0, "reference with s inside x returned %d", got);
        for (size_t i = 0; i < chanmul_impl_count(); i++) {
            const chanmul_impl *impl = chanmul_impl_at(i);
            if (!chanmul_impl_available(impl, NULL))
                continue;
            fill_sentinel(yout, total);
            got = chanmul_run(impl, &p, xin, s_in_x, yout, 2);
            CHECK(got == 0, "%s with s inside x (%s) returned %d (%s)", impl->name,
                  chanmul_layout_name(p.layout), got, chanmul_strerror(got));
            CHECK(memcmp(yout, expected, sizeof yout) == 0, "%s with s inside x (%s): wrong result",
                  impl->name, chanmul_layout_name(p.layout));
            CHECK(memcmp(xin, xcopy, sizeof xin) == 0, "%s with s inside x modified x", impl->name);
        }
    }
}

static void test_layout_threads_problem_op_impl(void)
{
    float *x = arena, *s = arena + 100, *y = arena + 200;
    fill_inputs(x, 24, s, 4, 2);
    chanmul_problem p = problem((chanmul_layout)7, 1, 2, 3, 4);
    expect_error("layout 7", &p, x, s, y, 24, 1, CHANMUL_ELAYOUT);
    p.layout = (chanmul_layout)-1;
    expect_error("layout -1", &p, x, s, y, 24, 1, CHANMUL_ELAYOUT);
    p.layout = (chanmul_layout)2;
    expect_error("layout 2", &p, x, s, y, 24, 1, CHANMUL_ELAYOUT);

    p = problem(CHANMUL_NHWC, 1, 2, 3, 4);
    expect_error("threads -1", &p, x, s, y, 24, -1, CHANMUL_ETHREADS);
    expect_error("threads INT_MIN", &p, x, s, y, 24, (int)(-2147483647 - 1), CHANMUL_ETHREADS);
    p.layout = CHANMUL_NCHW;
    expect_error("threads -1, NCHW", &p, x, s, y, 24, -1, CHANMUL_ETHREADS);

    expect_error("NULL problem", NULL, x, s, y, 24, 1, CHANMUL_EPROBLEM);
    expect_error("NULL problem, NULL pointers", NULL, NULL, NULL, NULL, 0, 1, CHANMUL_EPROBLEM);

    p = problem(CHANMUL_NHWC, 1, 2, 3, 4);
    p.op = (chanmul_op)5;
    expect_error("op 5", &p, x, s, y, 24, 1, CHANMUL_EOP);

    /* No implementation, and an unavailable one: valid arguments, still no write. */
    p = problem(CHANMUL_NHWC, 1, 2, 3, 4);
    fill_sentinel(y, 24);
    int got = chanmul_run(NULL, &p, x, s, y, 1);
    CHECK(got == CHANMUL_ENOIMPL, "chanmul_run(NULL impl) returned %d (%s), expected ENOIMPL", got,
          chanmul_strerror(got));
    CHECK(first_touched(y, 24) == 24, "chanmul_run(NULL impl) wrote y");
    spy_calls = 0;
    got = chanmul_run(&spy_absent, &p, x, s, y, 1);
    CHECK(got == CHANMUL_EISA, "chanmul_run(unavailable impl) returned %d (%s), expected EISA", got,
          chanmul_strerror(got));
    CHECK(spy_calls == 0 && first_touched(y, 24) == 24, "chanmul_run(unavailable impl) ran the kernel");
    const char *why = NULL;
    CHECK(chanmul_impl_available(&spy_absent, &why) == 0 && why && strcmp(why, "the test says so") == 0,
          "chanmul_impl_available(unavailable) did not pass on the reason (got '%s')", why ? why : "(null)");
    why = "stale";
    CHECK(chanmul_impl_available(NULL, &why) == 0 && why && *why,
          "chanmul_impl_available(NULL) must be 0 with a reason");
    /* The spy itself (available == NULL means always) runs once on valid arguments. */
    spy_calls = 0;
    got = chanmul_run(&spy, &p, x, s, y, 1);
    CHECK(got == 0 && spy_calls == 1 && y[0] == 42.0f, "chanmul_run(spy) on valid arguments: rc %d, calls %d",
          got, spy_calls);
}

/* ---- strerror ----------------------------------------------------------------------- */

/* The most negative chanmul_error (CHANMUL_ESELECTION). */
#define LAST_CODE 14

static void test_strerror(void)
{
    const char *texts[LAST_CODE + 1];
    for (int code = 0; code >= -LAST_CODE; code--) {
        const char *t = chanmul_strerror(code);
        texts[-code] = t;
        CHECK(t != NULL && t[0] != '\0', "chanmul_strerror(%d) is empty", code);
    }
    for (int a = 0; a <= LAST_CODE; a++)
        for (int b = a + 1; b <= LAST_CODE; b++)
            CHECK(texts[a] && texts[b] && strcmp(texts[a], texts[b]) != 0,
                  "chanmul_strerror(%d) and chanmul_strerror(%d) are the same text '%s'", -a, -b,
                  texts[a] ? texts[a] : "(null)");
    const int unknown[] = {-(LAST_CODE + 1), 1, 12, -1000, (int)(-2147483647 - 1), 2147483647};
    for (size_t i = 0; i < COUNT_OF(unknown); i++) {
        const char *t = chanmul_strerror(unknown[i]);
        CHECK(t != NULL && t[0] != '\0', "chanmul_strerror(%d) (unknown code) is empty", unknown[i]);
        if (!t)
            continue;
        int clash = 0;
        for (int k = 0; k <= LAST_CODE; k++)
            clash |= texts[k] && strcmp(t, texts[k]) == 0;
        CHECK(!clash, "chanmul_strerror(%d) (unknown code) reuses a known code's text '%s'", unknown[i], t);
        CHECK(strstr(t, "unknown") != NULL, "chanmul_strerror(%d) should say 'unknown', says '%s'",
              unknown[i], t);
    }
}

/* ---- zero-size problems ---------------------------------------------------------------- */

static void test_zero_size(void)
{
    static const size_t shapes[][4] = {{0, 2, 3, 4}, {2, 0, 3, 4}, {2, 3, 0, 4}, {2, 3, 4, 0},
                                       {0, 0, 0, 0}, {0, (size_t)1 << 40, (size_t)1 << 40, 1}};
    float y[64];
    float x[64], s[8];
    fill_inputs(x, 64, s, 8, 4);
    for (size_t k = 0; k < COUNT_OF(shapes); k++)
        for (int layout = 0; layout < 2; layout++) {
            chanmul_problem p =
                problem((chanmul_layout)layout, shapes[k][0], shapes[k][1], shapes[k][2], shapes[k][3]);
            char name[96];
            snprintf(name, sizeof name, "%zux%zux%zux%zu %s", p.n, p.h, p.w, p.c,
                     chanmul_layout_name(p.layout));
            int got = chanmul_check(&p, NULL, NULL, NULL, 1);
            CHECK(got == 0, "zero-size %s with NULL pointers: chanmul_check returned %d (%s)", name,
                  got, chanmul_strerror(got));
            spy_calls = 0;
            got = chanmul_run(&spy, &p, NULL, NULL, NULL, 1);
            CHECK(got == 0 && spy_calls == 0, "zero-size %s: the kernel was called (rc %d)", name, got);
            if (spy_calls != 0)
                continue; /* real kernels would be handed an empty problem and NULL pointers */
            for (size_t i = 0; i < chanmul_impl_count(); i++) {
                const chanmul_impl *impl = chanmul_impl_at(i);
                if (!chanmul_impl_available(impl, NULL))
                    continue;
                for (int threads = 0; threads <= 2; threads++) {
                    got = chanmul_run(impl, &p, NULL, NULL, NULL, threads);
                    CHECK(got == 0, "zero-size %s, %s, NULL pointers, threads %d: returned %d (%s)",
                          name, impl->name, threads, got, chanmul_strerror(got));
                    fill_sentinel(y, 64);
                    got = chanmul_run(impl, &p, x, s, y, threads);
                    CHECK(got == 0, "zero-size %s, %s, threads %d: returned %d (%s)", name, impl->name,
                          threads, got, chanmul_strerror(got));
                    size_t at = first_touched(y, 64);
                    CHECK(at == 64, "zero-size %s, %s: wrote y[%zu]", name, impl->name, at);
                    got = chanmul_run(impl, &p, y, s, y, threads); /* in place */
                    at = first_touched(y, 64);
                    CHECK(got == 0 && at == 64, "zero-size %s, %s, in place: rc %d, wrote y[%zu]", name,
                          impl->name, got, at);
                }
            }
        }
}

/* ---- in place and ordinary runs, every implementation ------------------------------------- */

static void test_every_impl_runs(void)
{
    static const size_t shapes[][4] = {{2, 3, 5, 17}, {1, 7, 7, 33}, {3, 1, 1, 1}, {2, 4, 4, 64}, {1, 2, 9, 1000}};
    const chanmul_impl *ref = chanmul_impl_find("reference");
    CHECK(ref != NULL, "no implementation named 'reference'");
    if (!ref)
        return;
    for (size_t k = 0; k < COUNT_OF(shapes); k++)
        for (int layout = 0; layout < 2; layout++) {
            chanmul_problem p =
                problem((chanmul_layout)layout, shapes[k][0], shapes[k][1], shapes[k][2], shapes[k][3]);
            size_t total = p.n * p.h * p.w * p.c;
            float *x = malloc(total * sizeof *x), *s = malloc(p.c * sizeof *s);
            float *expected = malloc(total * sizeof *expected), *y = malloc(total * sizeof *y);
            if (!x || !s || !expected || !y) {
                CHECK(0, "out of memory");
                free(x), free(s), free(expected), free(y);
                return;
            }
            fill_inputs(x, total, s, p.c, (unsigned)k);
            int got = chanmul_run(ref, &p, x, s, expected, 1);
            CHECK(got == 0, "reference returned %d", got);
            for (size_t i = 0; i < chanmul_impl_count(); i++) {
                const chanmul_impl *impl = chanmul_impl_at(i);
                if (!chanmul_impl_available(impl, NULL))
                    continue;
                for (int threads = 0; threads <= 3; threads++) {
                    char name[128];
                    snprintf(name, sizeof name, "%s %zux%zux%zux%zu %s threads %d", impl->name, p.n,
                             p.h, p.w, p.c, chanmul_layout_name(p.layout), threads);
                    /* out of place */
                    fill_sentinel(y, total);
                    got = chanmul_run(impl, &p, x, s, y, threads);
                    CHECK(got == 0, "%s: returned %d (%s)", name, got, chanmul_strerror(got));
                    CHECK(memcmp(y, expected, total * sizeof *y) == 0, "%s: differs from reference", name);
                    /* in place: y == x */
                    memcpy(y, x, total * sizeof *y);
                    got = chanmul_run(impl, &p, y, s, y, threads);
                    CHECK(got == 0, "%s in place: returned %d (%s)", name, got, chanmul_strerror(got));
                    CHECK(memcmp(y, expected, total * sizeof *y) == 0,
                          "%s in place: differs from reference", name);
                }
            }
            free(x), free(s), free(expected), free(y);
        }
}

/* ---- the registry ---------------------------------------------------------------------- */

static void test_registry(void)
{
    size_t count = chanmul_impl_count();
    CHECK(count >= 1, "the registry is empty");
    CHECK(chanmul_impl_at(count) == NULL, "chanmul_impl_at(count) is not NULL");
    CHECK(chanmul_impl_at((size_t)-1) == NULL, "chanmul_impl_at(SIZE_MAX) is not NULL");
    CHECK(chanmul_impl_find("nope") == NULL, "chanmul_impl_find(\"nope\") is not NULL");
    CHECK(chanmul_impl_find("") == NULL, "chanmul_impl_find(\"\") is not NULL");
    CHECK(chanmul_impl_find(NULL) == NULL, "chanmul_impl_find(NULL) is not NULL");
    CHECK(chanmul_impl_find("Reference") == NULL, "chanmul_impl_find is not case-sensitive");
    CHECK(chanmul_impl_find("referenc") == NULL, "chanmul_impl_find matches a prefix");
    CHECK(chanmul_impl_find("reference ") == NULL, "chanmul_impl_find ignores trailing text");
    int references = 0;
    for (size_t i = 0; i < count; i++) {
        const chanmul_impl *a = chanmul_impl_at(i);
        CHECK(a != NULL, "chanmul_impl_at(%zu) is NULL", i);
        if (!a)
            continue;
        CHECK(a->name && a->name[0], "implementation %zu has no name", i);
        CHECK(a->description && a->description[0], "implementation %s has no description",
              a->name ? a->name : "?");
        CHECK(a->kernels[CHANMUL_OP_SCALE] != NULL, "implementation %s has no channel-scale kernel",
              a->name ? a->name : "?");
        if (a->kind == CHANMUL_KIND_REFERENCE)
            for (int op = 0; op < CHANMUL_OP_COUNT; op++)
                CHECK(chanmul_impl_covers(a, (chanmul_op)op), "the reference does not cover op %s",
                      chanmul_op_name((chanmul_op)op));
        CHECK(a->kind == CHANMUL_KIND_REFERENCE || a->kind == CHANMUL_KIND_CHANMUL ||
                  a->kind == CHANMUL_KIND_PEER || a->kind == CHANMUL_KIND_SELECTOR,
              "implementation %s has kind %d", a->name ? a->name : "?", (int)a->kind);
        CHECK(strcmp(chanmul_kind_name(a->kind), "unknown") != 0, "kind of %s has no name", a->name);
        references += a->kind == CHANMUL_KIND_REFERENCE;
        if (!a->name)
            continue;
        CHECK(chanmul_impl_find(a->name) == a, "chanmul_impl_find(\"%s\") does not return entry %zu",
              a->name, i);
        for (const char *c = a->name; *c; c++)
            CHECK((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_',
                  "name '%s' is not a lower-case identifier usable on the command line", a->name);
        const char *why = "stale";
        int ok = chanmul_impl_available(a, &why);
        CHECK(ok ? why == NULL : (why && *why), "%s: available %d but why is '%s'", a->name, ok,
              why ? why : "(null)");
        for (size_t j = i + 1; j < count; j++) {
            const chanmul_impl *b = chanmul_impl_at(j);
            CHECK(!b || !b->name || strcmp(a->name, b->name) != 0,
                  "implementations %zu and %zu share the name '%s'", i, j, a->name);
        }
    }
    CHECK(references == 1, "%d implementations of kind reference, expected 1", references);
    const chanmul_impl *ref = chanmul_impl_find("reference");
    CHECK(ref && ref->kind == CHANMUL_KIND_REFERENCE && chanmul_impl_available(ref, NULL),
          "'reference' missing, of the wrong kind, or unavailable");
    CHECK(ref && chanmul_impl_at(0) == ref, "'reference' is not the first registry row");

    /* Names of enum values, including out-of-range ones. */
    CHECK(strcmp(chanmul_layout_name(CHANMUL_NHWC), "nhwc") == 0, "layout name of NHWC");
    CHECK(strcmp(chanmul_layout_name(CHANMUL_NCHW), "nchw") == 0, "layout name of NCHW");
    CHECK(strcmp(chanmul_layout_name((chanmul_layout)7), "unknown") == 0, "layout name of 7");
    CHECK(strcmp(chanmul_op_name(CHANMUL_OP_SCALE), "scale") == 0, "op name of SCALE");
    CHECK(strcmp(chanmul_op_name((chanmul_op)9), "unknown") == 0, "op name of 9");
    CHECK(strcmp(chanmul_kind_name((chanmul_kind)9), "unknown") == 0, "kind name of 9");
    CHECK(strcmp(chanmul_isa_name(CHANMUL_ISA_SCALAR), "scalar") == 0, "isa name scalar");
    CHECK(strcmp(chanmul_isa_name(CHANMUL_ISA_AVX2), "avx2") == 0, "isa name avx2");
    CHECK(strcmp(chanmul_isa_name(CHANMUL_ISA_AVX512), "avx512") == 0, "isa name avx512");
    CHECK(strcmp(chanmul_isa_name((chanmul_isa)9), "unknown") == 0, "isa name of 9");
    CHECK(chanmul_default_threads() >= 1, "chanmul_default_threads() = %d", chanmul_default_threads());
    CHECK(chanmul_llc_bytes() > 0, "chanmul_llc_bytes() is 0");
}

/* ---- the ISA cap ---------------------------------------------------------------------- */

static void set_cap(const char *value)
{
    if (value)
        setenv("CHANMUL_MAX_ISA", value, 1);
    else
        unsetenv("CHANMUL_MAX_ISA");
}

static void test_isa_cap(void)
{
    const char *saved = getenv("CHANMUL_MAX_ISA");
    char *saved_copy = saved ? strdup(saved) : NULL;
    chanmul_isa first_call_isa = chanmul_cpu_isa(); /* the cap this process started with */

    set_cap(NULL);
    chanmul_isa best = chanmul_cpu_isa_uncapped();
    CHECK(best >= CHANMUL_ISA_SCALAR && best <= CHANMUL_ISA_AVX512, "uncapped isa %d out of range", (int)best);
    CHECK(chanmul_cpu_isa() == best, "without CHANMUL_MAX_ISA the isa is %s, the CPU offers %s",
          chanmul_isa_name(chanmul_cpu_isa()), chanmul_isa_name(best));

    set_cap("scalar");
    CHECK(chanmul_cpu_isa() == CHANMUL_ISA_SCALAR, "CHANMUL_MAX_ISA=scalar gives %s",
          chanmul_isa_name(chanmul_cpu_isa()));
    CHECK(chanmul_cpu_isa_uncapped() == best, "the cap changed chanmul_cpu_isa_uncapped()");
    set_cap("SCALAR");
    CHECK(chanmul_cpu_isa() == CHANMUL_ISA_SCALAR, "CHANMUL_MAX_ISA=SCALAR gives %s",
          chanmul_isa_name(chanmul_cpu_isa()));
    set_cap("avx2");
    CHECK(chanmul_cpu_isa() <= CHANMUL_ISA_AVX2, "CHANMUL_MAX_ISA=avx2 gives %s",
          chanmul_isa_name(chanmul_cpu_isa()));
    CHECK(chanmul_cpu_isa() == (best < CHANMUL_ISA_AVX2 ? best : CHANMUL_ISA_AVX2),
          "CHANMUL_MAX_ISA=avx2 on a %s CPU gives %s", chanmul_isa_name(best),
          chanmul_isa_name(chanmul_cpu_isa()));
    set_cap("avx512");
    CHECK(chanmul_cpu_isa() == best, "CHANMUL_MAX_ISA=avx512 on a %s CPU gives %s",
          chanmul_isa_name(best), chanmul_isa_name(chanmul_cpu_isa()));
    set_cap("");
    CHECK(chanmul_cpu_isa() == best, "an empty CHANMUL_MAX_ISA gives %s",
          chanmul_isa_name(chanmul_cpu_isa()));
    CHECK(chanmul_isa_cap_error() == NULL, "an empty CHANMUL_MAX_ISA is reported as an error");

    /* An unknown value is ignored, and chanmul_isa_cap_error() names it. */
    set_cap("sse9");
    CHECK(chanmul_cpu_isa() == best, "CHANMUL_MAX_ISA=sse9 gives %s", chanmul_isa_name(chanmul_cpu_isa()));
    const char *bad = chanmul_isa_cap_error();
    CHECK(bad && strcmp(bad, "sse9") == 0, "chanmul_isa_cap_error() with CHANMUL_MAX_ISA=sse9 returned %s",
          bad ? bad : "NULL");
    static const char *valid_caps[] = {"scalar", "avx2", "avx512", "AVX2"};
    for (size_t k = 0; k < COUNT_OF(valid_caps); k++) {
        set_cap(valid_caps[k]);
        bad = chanmul_isa_cap_error();
        CHECK(bad == NULL, "chanmul_isa_cap_error() with CHANMUL_MAX_ISA=%s returned %s", valid_caps[k],
              bad ? bad : "NULL");
    }
    set_cap(NULL);
    CHECK(chanmul_isa_cap_error() == NULL, "chanmul_isa_cap_error() without CHANMUL_MAX_ISA is not NULL");

    /* A cap set after the kernels' first call changes nothing they run (they
     * read it once, README "ISA selection"): every implementation still
     * computes the right thing, and chanmul_isa_ran() shows only the ISA of
     * the cap this process started with. The capped paths themselves run in
     * processes started under each cap (isa_ran_*, the capped verify runs). */
    static const char *caps[] = {"scalar", "avx2", "avx512"};
    chanmul_problem shapes[] = {problem(CHANMUL_NHWC, 2, 3, 3, 17), problem(CHANMUL_NCHW, 2, 3, 3, 17),
                                problem(CHANMUL_NHWC, 1, 1, 5, 3), problem(CHANMUL_NCHW, 1, 5, 7, 3)};
    float x[306], s[17], y[306], expected[306];
    for (size_t k = 0; k < COUNT_OF(caps); k++) {
        set_cap(caps[k]);
        for (size_t sh = 0; sh < COUNT_OF(shapes); sh++) {
            chanmul_problem *p = &shapes[sh];
            size_t total = p->n * p->h * p->w * p->c;
            fill_inputs(x, total, s, p->c, (unsigned)(k + sh));
            chanmul_run(chanmul_impl_find("reference"), p, x, s, expected, 1);
            for (size_t i = 0; i < chanmul_impl_count(); i++) {
                const chanmul_impl *impl = chanmul_impl_at(i);
                if (!chanmul_impl_available(impl, NULL))
                    continue;
                fill_sentinel(y, total);
                int got = chanmul_run(impl, p, x, s, y, 1);
                CHECK(got == 0 && memcmp(y, expected, total * sizeof *y) == 0,
                      "%s under CHANMUL_MAX_ISA=%s, %zux%zux%zux%zu %s: rc %d or wrong result",
                      impl->name, caps[k], p->n, p->h, p->w, p->c, chanmul_layout_name(p->layout), got);
            }
        }
    }

    unsigned ran = chanmul_isa_ran();
    CHECK(ran == 0 || ran == 1u << first_call_isa,
          "after caps set in-process the kernels ran ISA mask %#x; only %s (the first call's) was expected",
          ran, chanmul_isa_name(first_call_isa));
    set_cap(saved_copy);
    free(saved_copy);
}

int main(void)
{
    test_strerror();
    test_registry();
    test_null_pointers();
    test_overflow();
    test_overlap();
    test_overlap_no_wraparound();
    test_overlap_allowed();
    test_layout_threads_problem_op_impl();
    test_zero_size();
    test_every_impl_runs();
    test_isa_cap();
    return check_summary();
}
