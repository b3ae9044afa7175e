/*
 * The results model behind `chanmul report`: what one Google Benchmark results
 * file says, reduced to one median per benchmark and grouped by site
 * (layout, shape, thread count). Internal to the report (report_*.c, sections_*.c)
 * and what reads results through it (targets.c, compare.c, compare_cli.c).
 */
#ifndef CHANMUL_REPORT_MODEL_H
#define CHANMUL_REPORT_MODEL_H

#include <stddef.h>
#include <stdio.h>

/* Kinds, in report order: chanmul's kernels first, the baselines last. The
 * names are the ones chanmul_kind_name() and the "impl_kind:" context keys use.
 * The selector (`auto`) runs one of the others per problem: it is shown (as
 * "auto (selector)") but never competes: not a chanmul kernel, not a peer, never
 * a site's best (rp_best), so no winner, "best chanmul kernel" or target counts it. */
#define RP_KIND_CHANMUL "chanmul"
#define RP_KIND_PEER "peer"
#define RP_KIND_SELECTOR "selector"
#define RP_KIND_REFERENCE "reference"
#define RP_KIND_PLUGIN "plugin"
#define RP_KIND_BASELINE "baseline"
#define RP_KIND_UNKNOWN "unknown"

/* Channel counts below one AVX-512 vector of floats are "small C". */
#define RP_SMALL_C 16

typedef struct rp_series {
    char *name;        /* the implementation ("simd"), or the baseline's op ("memcpy") */
    const char *kind;  /* one of RP_KIND_* */
    char *label;       /* name for people: "onednn (peer)", "memcpy (baseline)", "simd" */
    int verify_failed; /* verification said FAIL: shown as FAIL wherever it has no timing */
} rp_series;

typedef struct rp_point { /* one benchmark of one file */
    char *key;          /* op/layout/impl/NxHxWxC/threads:T (Google Benchmark's suffixes removed) */
    char *op, *layout, *impl;
    size_t n, h, w, c;  /* bcast: y's fold */
    char *shape;        /* the problem string: NxHxWxC, bcast's "A,B" */
    int threads;
    int series;         /* index into the file's series */
    int site;           /* index into the file's sites */
    double ws;          /* working set in bytes: 8 per element + 4 per channel */
    double bps;         /* median bytes per second; NAN when failed or not measured */
    double ratio;       /* to memcpy at the same site in the same run; NAN when unknown */
    double prepared_bps;/* median of the prepared call's (chanmul_plan_exec) bytes per second; NAN if absent */
    double cv;          /* coefficient of variation of the repetitions (fraction); NAN if unknown */
    int reps;           /* repetitions behind the median */
    double *rep_times;  /* each repetition's real time per iteration, in seconds, file order */
    size_t nrep_times;
    double *rep_ratios; /* each repetition's memcpy_ratio (memcpy time / this time), file order */
    size_t nrep_ratios;
    int failed;         /* error_occurred: verification failed, never timed */
    char *error;        /* the first error message */
} rp_point;

typedef struct rp_site { /* one (layout, shape, threads) of one file */
    const char *layout;
    size_t n, h, w, c;
    const char *shape;     /* its points' problem string */
    int threads;
    double ws;
    size_t first, count;   /* points[first .. first+count), in series order */
    double memcpy_bps;     /* NAN when the run has no memcpy row here */
    double copy_loop_bps;  /* the plain load/store copy loop's (baseline copy_loop); NAN when absent */
} rp_site;

typedef struct rp_verify {
    char *impl;
    char *label;
    const char *kind;
    const char *status;    /* "pass", "FAIL", "skipped" or "unknown" */
    char *detail;
} rp_verify;

typedef struct rp_file {
    const char *path;
    const char *op;        /* the one op this view holds (with the baselines), or NULL: every op */
    size_t other_op_rows;  /* rows of other ops, left out of this view */
    char tag[16];          /* "M1", "M2", ... in command-line order */
    void *json;            /* the cJSON tree; owns the context strings */
    double l1d, l2, l3;    /* bytes per instance; 0 when unknown. l2 and l3 are the sizes regions
                            * and targets are sized by: the run's usable sizes (the cache probe's
                            * when it measured them), else the reported LLC at most
                            * CHANMUL_LLC_USABLE_MAX (as the sweep sizes its DRAM shapes) */
    double l2_reported, l3_reported; /* as the results' context reports them (hwloc, CPUID) */
    double l2_measured, l3_measured; /* the cache probe's; 0 when none */
    rp_series *series;
    size_t nseries;
    rp_point *points;
    size_t npoints;
    rp_site *sites;
    size_t nsites;
    rp_verify *verify;
    size_t nverify;
    size_t ignored;        /* rows whose names are not op/layout/impl/NxHxWxC/... */
    int reps_min, reps_max;
    size_t ratio_counter, ratio_computed; /* how the ratios to memcpy were obtained */
} rp_file;

/* Loads and reduces one results file. Returns 0, or -1 with a message that
 * names the file in err. */
/* Reads a results file: every op (rp_load; the other ops' series are named
 * op:impl), or one op and the baselines (rp_load_op; its series named by the
 * implementation). */
int rp_load(const char *path, rp_file *f, char *err, size_t errlen);
int rp_load_op(const char *path, const char *op, rp_file *f, char *err, size_t errlen);
/* rp_load_op's reader, for results already in memory (len bytes, no NUL
 * needed; path names them in messages and is kept in f->path, as is op):
 * the fuzz target reads through it. */
int rp_parse(const char *text, size_t len, const char *path, const char *op, rp_file *f, char *err,
             size_t errlen);
void rp_free(rp_file *f);

/* A context value as text (strings as they are, numbers and booleans
 * formatted), or NULL when absent or empty. buf holds formatted numbers. */
const char *rp_context(const rp_file *f, const char *key, char *buf, size_t len);

int rp_kind_rank(const char *kind);
int rp_is_kernel(const rp_file *f, const rp_point *p);       /* not a baseline */
int rp_is_chanmul(const rp_file *f, const rp_point *p);      /* kind chanmul */
int rp_is_peer(const rp_file *f, const rp_point *p);
int rp_is_selector(const rp_file *f, const rp_point *p);     /* kind selector: auto */
int rp_timed(const rp_point *p);                             /* has a median */

/* The fastest timed point of the site that passes filter (NULL: every kernel),
 * other than `except`; NULL if none. Never a selector (auto): it runs one of
 * the kernels, so it is not one of the competitors. */
const rp_point *rp_best(const rp_file *f, const rp_site *s,
                        int (*filter)(const rp_file *, const rp_point *), const rp_point *except);
/* The point of the given series at site s, or NULL. */
const rp_point *rp_at(const rp_file *f, const rp_site *s, int series);
/* The series index of name, or -1. */
int rp_series_find(const rp_file *f, const char *name);
/* Sites are grouped by layout: the end of the group that sites[i] starts. */
size_t rp_layout_end(const rp_file *f, size_t i);
/* The distinct thread counts of sites [first, end), ascending (at most cap of
 * them, the first met); returns how many. */
int rp_site_threads(const rp_file *f, size_t first, size_t end, int *out, int cap);

/* Working-set classes relative to the machine's caches, in increasing order. */
enum { RP_FITS_L2, RP_FITS_LLC, RP_OVER_LLC, RP_OVER_2LLC, RP_SIZE_UNKNOWN };
int rp_size_class(const rp_file *f, double ws);
const char *rp_size_class_name(int cls);

/* Formatting, into buf; each returns buf. */
const char *rp_fmt_bytes(double bytes, char *buf, size_t len);  /* 4.6 KiB, 32 MiB */
const char *rp_fmt_gbs(double bps, char *buf, size_t len);      /* GB/s, 1 decimal */

double rp_median(double *v, size_t n); /* sorts v; NAN when n == 0 */

/* ---- plots (report_plots.c) ------------------------------------------------------ */

typedef struct rp_plotter {
    const char *program;  /* gnuplot, or $CHANMUL_GNUPLOT */
    int available;        /* gnuplot ran */
    char version[128];    /* its --version line */
    char why[512];        /* why no images can be rendered */
    const char *dir;      /* the plots directory: data files and images */
    const char *write_dir; /* where they are written: dir, or a staging folder
                            * the report moves into dir once report.md is written */
    char scripts[4096];   /* the directory holding lines.gp, winner_map.gp, common.gp */
    char log[4096];       /* gnuplot's messages (in write_dir); removed when every render succeeded */
    char log_shown[4096]; /* its name in dir, where messages send the reader */
    int failures;
    const char **palette; /* kernel series names (all files), for one colour per name */
    size_t npalette;
} rp_plotter;

typedef struct rp_plot {
    char file[128];       /* base name: "throughput_vs_batch" (prefixed per machine) */
    char caption[768];
    int rendered;         /* file.png and file.svg written */
    int failed;           /* gnuplot ran and failed (why says so) */
    char why[512];        /* when not rendered */
} rp_plot;

enum { RP_PLOT_BATCH, RP_PLOT_CHANNELS, RP_PLOT_WINNERS, RP_PLOT_THREADS, RP_PLOT_COUNT };

/* Finds gnuplot and the scripts; dir must exist. write_dir (NULL: dir) is
 * where the files are written, to be moved into dir later. */
void rp_plotter_init(rp_plotter *pl, const char *dir, const char *write_dir);
/* Writes the data files of f's plots (names prefixed with prefix) into the plots
 * directory and renders them when gnuplot is there. plots[RP_PLOT_COUNT].
 * Returns -1 (message printed) when a data file cannot be written. */
int rp_plots_make(rp_plotter *pl, const rp_file *f, const char *prefix, rp_plot *plots);
/* Removes the log when nothing failed. */
void rp_plotter_finish(rp_plotter *pl);


#endif
