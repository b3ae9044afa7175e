// gbench_shim.cc - the C API of gbench_shim.h over Google Benchmark 1.7.1.
//
// The project's only C++ file.  Three rules hold throughout:
//  - no exception leaves an extern "C" function: each body that can allocate
//    runs inside guard(), which catches everything and reports it;
//  - arguments that upstream rejects with BM_CHECK (an abort) are refused here
//    with a warning, so a bad option in the C harness cannot kill a long run;
//  - upstream's State rules (pause/resume only inside the loop, the loop must
//    run to its end) are tracked in gbs_state, so misuse becomes a reported
//    error or a no-op rather than an abort.

#include "gbench_shim.h"

#include <benchmark/benchmark.h>

#include <array>
#include <cstdarg>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

// The handle the C side holds for one registered benchmark.  It *is* the
// upstream Benchmark (a subclass, as upstream's own LambdaBenchmark is), so the
// library's registry owns it and ClearRegisteredBenchmarks frees it; the extra
// fields remember what upstream keeps private but checks with BM_CHECK.
struct gbs_benchmark final : public benchmark::internal::Benchmark {
    gbs_benchmark(const char *name, gbs_fn fn, void *arg)
        : benchmark::internal::Benchmark(name), fn_(fn), arg_(arg) {}

    void Run(benchmark::State &st) override;

    gbs_fn fn_;
    void *arg_;
    bool has_iterations_ = false;
    bool has_min_time_ = false;     // MinTime or a non-zero MinWarmUpTime
};

// What the C function receives: the upstream State plus the loop's progress,
// which upstream keeps private and checks with BM_CHECK.
struct gbs_state {
    benchmark::State *st;
    bool in_loop;   // gbs_keep_running() has returned 1 and not yet 0
    bool paused;    // gbs_pause_timing() is in effect
    bool done;      // gbs_keep_running() has returned 0
};

namespace {

void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    std::fputs("gbench_shim: ", stderr);
    std::vfprintf(stderr, fmt, ap);
    std::fputc('\n', stderr);
    va_end(ap);
}

// Runs body, turning any exception into a warning naming the C entry point.
template <class Body>
bool guard(const char *where, Body &&body) noexcept
{
    try {
        body();
        return true;
    } catch (const std::exception &e) {
        warn("%s: %s", where, e.what());
    } catch (...) {
        warn("%s: unknown C++ exception", where);
    }
    return false;
}

// ComputeStatistics takes a plain function pointer over std::vector<double>
// with no user data, so each C statistic gets a slot and a trampoline that
// forwards the vector's storage.  Slots are shared by equal C functions and
// survive gbs_clear_registered(); 32 distinct statistics are plenty.
using c_statistic = double (*)(const double *values, size_t count);
constexpr std::size_t kStatisticSlots = 32;
c_statistic g_statistic_slot[kStatisticSlots];

template <std::size_t I>
double statistic_trampoline(const std::vector<double> &values)
{
    return g_statistic_slot[I](values.data(), values.size());
}

template <std::size_t... I>
constexpr std::array<benchmark::StatisticsFunc *, sizeof...(I)>
make_trampolines(std::index_sequence<I...>)
{
    return {{&statistic_trampoline<I>...}};
}

constexpr auto g_statistic_trampoline =
    make_trampolines(std::make_index_sequence<kStatisticSlots>{});

// The slot of fn (claimed if new), or -1 when all slots are taken.
int statistic_slot(c_statistic fn)
{
    for (std::size_t i = 0; i < kStatisticSlots; i++) {
        if (g_statistic_slot[i] == fn)
            return static_cast<int>(i);
        if (!g_statistic_slot[i]) {
            g_statistic_slot[i] = fn;
            return static_cast<int>(i);
        }
    }
    return -1;
}

// GBS_COUNTER_* bits to benchmark::Counter::Flags (upstream's bits differ:
// kIsIterationInvariant is 4 there and kAvgIterations 8).
benchmark::Counter::Flags counter_flags(int flags)
{
    int f = benchmark::Counter::kDefaults;
    if (flags & GBS_COUNTER_RATE)
        f |= benchmark::Counter::kIsRate;
    if (flags & GBS_COUNTER_AVG_THREADS)
        f |= benchmark::Counter::kAvgThreads;
    if (flags & GBS_COUNTER_AVG_ITERATIONS)
        f |= benchmark::Counter::kAvgIterations;
    if (flags & GBS_COUNTER_ITERATION_INVARIANT)
        f |= benchmark::Counter::kIsIterationInvariant;
    if (flags & GBS_COUNTER_INVERT)
        f |= benchmark::Counter::kInvert;
    return static_cast<benchmark::Counter::Flags>(f);
}

// Initialize keeps argv[0] as the executable name: it must outlive the runs.
char g_default_argv0[] = "chanmul";

} // namespace

void gbs_benchmark::Run(benchmark::State &st)
{
    gbs_state s{&st, false, false, false};

    // C code cannot throw, but a C++ callback behind the C pointer could.
    if (!guard("benchmark function", [&] { fn_(&s, arg_); })) {
        if (!st.error_occurred())
            st.SkipWithError("benchmark function threw a C++ exception");
        return;
    }
    // Upstream aborts the process when the loop was left early; report instead.
    if (!st.error_occurred() && st.iterations() < st.max_iterations)
        st.SkipWithError("benchmark function returned before gbs_keep_running() returned 0");
}

extern "C" {

// ---- process set-up -----------------------------------------------------------

void gbs_initialize(int *argc, char **argv)
{
    static int default_argc = 1;
    static char *default_argv[] = {g_default_argv0, nullptr};

    if (!argc || !argv || *argc < 1) {
        argc = &default_argc;
        argv = default_argv;
    }
    const int given = *argc;
    guard("gbs_initialize", [&] { benchmark::Initialize(argc, argv); });
    // Initialize shifts the survivors down but leaves the old tail in place;
    // restore argv[argc] == NULL (in bounds: the slot held an argument).
    if (*argc < given)
        argv[*argc] = nullptr;
}

int gbs_report_unrecognized(int argc, char **argv)
{
    if (argc <= 1)
        return 0;
    if (!argv)
        return 1;
    bool any = true;
    guard("gbs_report_unrecognized",
          [&] { any = benchmark::ReportUnrecognizedArguments(argc, argv); });
    return any ? 1 : 0;
}

void gbs_add_context(const char *key, const char *value)
{
    if (!key || !value) {
        warn("gbs_add_context: NULL key or value");
        return;
    }
    guard("gbs_add_context", [&] { benchmark::AddCustomContext(key, value); });
}

size_t gbs_run_specified(void)
{
    size_t n = 0;
    // Not RunSpecifiedBenchmarks(): given no reporter it adopts the static
    // one CreateDefaultDisplayReporter() caches and deletes it on return, so
    // a second run uses freed memory (google/benchmark#2240; upstream expects
    // one run per process).  Passed explicitly, the cached reporter is only
    // borrowed.  The --benchmark_out file reporter is still made per run.
    // The display reporter writes its context (the machine, the caches, every
    // AddCustomContext pair: 40 lines and more) to its error stream: sent with
    // its tables to the output stream instead, so that `run.sh main`, which
    // keeps the tables in its log, does not print the context on the terminal.
    guard("gbs_run_specified", [&] {
        benchmark::BenchmarkReporter *display = benchmark::CreateDefaultDisplayReporter();
        display->SetErrorStream(&display->GetOutputStream());
        n = benchmark::RunSpecifiedBenchmarks(display);
    });
    return n;
}

void gbs_clear_registered(void)
{
    guard("gbs_clear_registered", [] { benchmark::ClearRegisteredBenchmarks(); });
}

void gbs_shutdown(void)
{
    guard("gbs_shutdown", [] { benchmark::Shutdown(); });
}

// ---- registration and per-benchmark options -------------------------------------

gbs_benchmark *gbs_register(const char *name, gbs_fn fn, void *arg)
{
    if (!name || !fn) {
        warn("gbs_register: NULL name or function");
        return nullptr;
    }
    gbs_benchmark *b = nullptr;
    guard("gbs_register", [&] {
        // RegisterBenchmarkInternal is what RegisterBenchmark(name, lambda)
        // expands to; it takes ownership of the object.
        auto *mine = new gbs_benchmark(name, fn, arg);
        b = static_cast<gbs_benchmark *>(benchmark::internal::RegisterBenchmarkInternal(mine));
    });
    return b;
}

void gbs_use_real_time(gbs_benchmark *b)
{
    if (b)
        b->UseRealTime();
}

void gbs_measure_process_cpu_time(gbs_benchmark *b)
{
    if (b)
        b->MeasureProcessCPUTime();
}

void gbs_set_repetitions(gbs_benchmark *b, int n)
{
    if (!b)
        return;
    if (n <= 0) {
        warn("gbs_set_repetitions: %d is not positive; ignored", n);
        return;
    }
    b->Repetitions(n);
}

void gbs_set_min_time(gbs_benchmark *b, double seconds)
{
    if (!b)
        return;
    if (!(seconds > 0.0) || b->has_iterations_) {
        warn("gbs_set_min_time: %g %s; ignored", seconds,
             b->has_iterations_ ? "after gbs_set_iterations" : "is not positive");
        return;
    }
    b->MinTime(seconds);
    b->has_min_time_ = true;
}

void gbs_set_min_warmup_time(gbs_benchmark *b, double seconds)
{
    if (!b)
        return;
    if (!(seconds >= 0.0) || b->has_iterations_) {
        warn("gbs_set_min_warmup_time: %g %s; ignored", seconds,
             b->has_iterations_ ? "after gbs_set_iterations" : "is negative");
        return;
    }
    b->MinWarmUpTime(seconds);
    if (seconds > 0.0)
        b->has_min_time_ = true;
}

void gbs_set_iterations(gbs_benchmark *b, long long n)
{
    if (!b)
        return;
    if (n <= 0 || b->has_min_time_) {
        warn("gbs_set_iterations: %lld %s; ignored", n,
             b->has_min_time_ ? "after a min time or warm-up time" : "is not positive");
        return;
    }
    b->Iterations(static_cast<benchmark::IterationCount>(n));
    b->has_iterations_ = true;
}

void gbs_report_aggregates_only(gbs_benchmark *b, int yes)
{
    if (b)
        b->ReportAggregatesOnly(yes != 0);
}

void gbs_display_aggregates_only(gbs_benchmark *b, int yes)
{
    if (b)
        b->DisplayAggregatesOnly(yes != 0);
}

void gbs_add_statistic(gbs_benchmark *b, const char *name,
                       double (*fn)(const double *values, size_t count))
{
    if (!b)
        return;
    if (!name || !fn) {
        warn("gbs_add_statistic: NULL name or function; ignored");
        return;
    }
    int slot = statistic_slot(fn);
    if (slot < 0) {
        warn("gbs_add_statistic: more than %zu distinct statistic functions; \"%s\" ignored",
             kStatisticSlots, name);
        return;
    }
    guard("gbs_add_statistic",
          [&] { b->ComputeStatistics(name, g_statistic_trampoline[static_cast<std::size_t>(slot)]); });
}

// ---- inside a benchmark function --------------------------------------------------

int gbs_keep_running(gbs_state *s)
{
    return gbs_keep_running_batch(s, 1);
}

int gbs_keep_running_batch(gbs_state *s, long long n)
{
    if (!s || s->done)  // upstream aborts on a call after the loop ended
        return 0;
    benchmark::State &st = *s->st;
    // A pause still in effect ends here: upstream would abort when the loop
    // finishes with the timer stopped.
    bool more = false;
    bool ok = guard("gbs_keep_running", [&] {
        if (s->paused) {
            s->paused = false;
            if (!st.error_occurred())
                st.ResumeTiming();
        }
        more = n > 1 ? st.KeepRunningBatch(static_cast<benchmark::IterationCount>(n))
                     : st.KeepRunning();
    });
    if (!ok && !st.error_occurred())
        guard("gbs_keep_running",
              [&] { st.SkipWithError("C++ exception in gbs_keep_running"); });
    s->in_loop = ok && more;
    s->done = !s->in_loop;
    return s->in_loop ? 1 : 0;
}

long long gbs_iterations(const gbs_state *s)
{
    return s ? static_cast<long long>(s->st->iterations()) : 0;
}

int gbs_thread_index(const gbs_state *s)
{
    return s ? s->st->thread_index() : 0;
}

int gbs_error_occurred(const gbs_state *s)
{
    return s && s->st->error_occurred() ? 1 : 0;
}

void gbs_pause_timing(gbs_state *s)
{
    if (!s || !s->in_loop || s->paused || s->st->error_occurred())
        return;
    if (guard("gbs_pause_timing", [&] { s->st->PauseTiming(); }))
        s->paused = true;
}

void gbs_resume_timing(gbs_state *s)
{
    if (!s || !s->in_loop || !s->paused || s->st->error_occurred())
        return;
    if (guard("gbs_resume_timing", [&] { s->st->ResumeTiming(); }))
        s->paused = false;
}

void gbs_set_bytes_processed(gbs_state *s, long long bytes)
{
    if (s)
        guard("gbs_set_bytes_processed", [&] { s->st->SetBytesProcessed(bytes); });
}

void gbs_set_items_processed(gbs_state *s, long long items)
{
    if (s)
        guard("gbs_set_items_processed", [&] { s->st->SetItemsProcessed(items); });
}

void gbs_set_counter(gbs_state *s, const char *name, double value, int flags)
{
    if (!s)
        return;
    if (!name) {
        warn("gbs_set_counter: NULL name; ignored");
        return;
    }
    guard("gbs_set_counter",
          [&] { s->st->counters[name] = benchmark::Counter(value, counter_flags(flags)); });
}

void gbs_set_label(gbs_state *s, const char *label)
{
    if (s)
        guard("gbs_set_label", [&] { s->st->SetLabel(label ? label : ""); });
}

void gbs_skip_with_error(gbs_state *s, const char *message)
{
    if (!s)
        return;
    // SkipWithError stops a running timer itself; a paused one stays stopped.
    s->paused = false;
    guard("gbs_skip_with_error",
          [&] { s->st->SkipWithError(message && *message ? message : "error"); });
}

void gbs_do_not_optimize(const void *p)
{
    benchmark::DoNotOptimize(p);
    benchmark::ClobberMemory();
}

} // extern "C"
