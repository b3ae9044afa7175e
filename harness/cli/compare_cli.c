/*
 * `chanmul compare`: the regression verdict a CI can fail a build on.
 *
 *   chanmul compare BASE.json NEW.json [options]
 *   chanmul compare A1.json A2.json ... -- B1.json B2.json ... [options]
 *   chanmul compare [options] --paired OLD_CHANMUL NEW_CHANMUL [bench|sweep arguments]
 *
 * Exit codes: 0 nothing regressed, 1 at least one regression, 2 bad input,
 * 3 inconclusive only. The verdicts are computed by compare.c; this file reads
 * the command line, loads the results (through the report's reader), and in
 * the paired mode runs the two builds in alternating rounds.
 */
#include "files.h"
#include "compare_cli.h"

#include "clock.h"

#include "cli.h"
#include "compare.h"
#include "report_model.h"
#include "shape.h"
#include "stats.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_INCONCLUSIVE 3
#define MAX_RUNS MAX_RUNS_PER_SIDE
/* Rounds at least, by default; more when the comparison holds so many tests
 * that the exact test's smallest p (2 / 2^rounds) could not reach the
 * corrected alpha (see paired_rounds). */
#define MIN_DEFAULT_ROUNDS 12
#define MAX_DEFAULT_ROUNDS 20
#define PAIRED_REPETITIONS "5" /* per build per round, unless the arguments say otherwise */

static void usage(FILE *out)
{
    fprintf(out,
            "usage: chanmul compare BASE.json NEW.json [options]\n"
            "       chanmul compare A1.json A2.json ... -- B1.json B2.json ... [options]\n"
            "       chanmul compare [options] --paired OLD_CHANMUL NEW_CHANMUL [--rounds R] bench|sweep [ARGS...]\n"
            "         (rounds: by default the fewest from 12 at which the exact test can reach alpha)\n"
            "options:\n"
            "  --threshold PCT       smallest change that counts, in percent (default 5)\n"
            "  --alpha A             error rate over the whole comparison (default 0.05)\n"
            "  --correction holm|bh  Holm (default: any false flag) or Benjamini-Hochberg (share of false flags)\n"
            "  --normalise memcpy|none  time relative to the memcpy timed next to it, or raw (default none)\n"
            "  --format md|json      Markdown table for a pull request (default) or JSON for tools\n"
            "  --all                 list every benchmark, not only the changed and undecided ones\n"
            "  --raw                 --all, plus the raw change and the repetitions' own p-value\n"
            "  --out FILE            write there (atomically) instead of standard output\n"
            "  --keep DIR            paired: keep the rounds' results files (round-NN-old/new.json) in DIR\n"
            "Exit: 0 nothing regressed, 1 a regression, 2 bad input, 3 inconclusive only.\n");
}

static int parse_number(const char *text, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(text, &end);
    if (end != text && *end == '%')
        end++;
    return end == text || *end || errno || !isfinite(*v) ? -1 : 0;
}

/* An option that takes one word of a list. */
typedef struct choice {
    const char *word;
    int value;
} choice;

static const choice corrections[] = {{"holm", CMP_HOLM}, {"bh", CMP_BH}, {NULL, 0}};
static const choice normalisations[] = {{"memcpy", CMP_NORMALISE_MEMCPY}, {"none", CMP_NORMALISE_NONE}, {NULL, 0}};
static const choice formats[] = {{"md", 0}, {"markdown", 0}, {"json", 1}, {NULL, 0}};

/* As cli_option, for "--name WORD" with WORD one of choices (NULL-terminated):
 * 1 and *value set, 0 another option, -1 after printing the valid words. */
static int choice_option(int argc, char **argv, int *i, const char *name, const choice *choices, int *value)
{
    const char *v = NULL;
    int rc = cli_option(argc, argv, i, name, &v);
    if (rc <= 0)
        return rc;
    for (const choice *c = choices; c->word; c++)
        if (strcmp(v, c->word) == 0) {
            *value = c->value;
            return 1;
        }
    fprintf(stderr, "chanmul compare: %s takes", name);
    for (const choice *c = choices; c->word; c++)
        fprintf(stderr, "%s %s", c == choices ? "" : (c + 1)->word ? "," : " or", c->word);
    fprintf(stderr, ", not '%s'\n", v);
    return -1;
}

int compare_parse_args(int argc, char **argv, compare_args *a)
{
    memset(a, 0, sizeof *a);
    cmp_options_init(&a->o);
    a->rounds = MIN_DEFAULT_ROUNDS;
    int after_separator = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int rc, choice;
        double num;
        if ((rc = cli_option(argc, argv, &i, "--threshold", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            if (parse_number(v, &num) != 0 || !(num > 0 && num < 100)) {
                fprintf(stderr, "chanmul compare: --threshold takes a percentage between 0 and 100, not '%s'\n",
                        v ? v : "");
                return EXIT_USAGE;
            }
            a->o.threshold = num / 100;
        } else if ((rc = cli_option(argc, argv, &i, "--alpha", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            if (parse_number(v, &num) != 0 || !(num > 0 && num < 1)) {
                fprintf(stderr, "chanmul compare: --alpha takes a probability between 0 and 1, not '%s'\n",
                        v ? v : "");
                return EXIT_USAGE;
            }
            a->o.alpha = num;
        } else if ((rc = choice_option(argc, argv, &i, "--correction", corrections, &choice)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            a->o.correction = (cmp_correction)choice;
        } else if ((rc = choice_option(argc, argv, &i, "--normalise", normalisations, &choice)) != 0 ||
                   (rc = choice_option(argc, argv, &i, "--normalize", normalisations, &choice)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            a->o.normalise = (cmp_normalise)choice;
        } else if ((rc = choice_option(argc, argv, &i, "--format", formats, &choice)) != 0) {
            if (rc < 0)
                return EXIT_USAGE;
            a->json = choice;
        } else if ((rc = cli_option(argc, argv, &i, "--out", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (!*v) {
                fprintf(stderr, "chanmul compare: --out needs a file name\n");
                return EXIT_USAGE;
            }
            a->out = v;
        } else if ((rc = cli_option(argc, argv, &i, "--rounds", &v)) != 0) {
            a->rounds_given = 1;
            if (rc < 0)
                return EXIT_USAGE;
            if (int_parse(v, &a->rounds) != 0 || a->rounds < 2 || a->rounds > MAX_RUNS) {
                fprintf(stderr, "chanmul compare: --rounds takes an integer from 2 to %d, not '%s'\n", MAX_RUNS,
                        v ? v : "");
                return EXIT_USAGE;
            }
        } else if ((rc = cli_option(argc, argv, &i, "--keep", &v)) != 0) {
            if (rc < 0)
                return EXIT_USAGE; /* (cli_option said the value is missing) */
            if (!*v) {
                fprintf(stderr, "chanmul compare: --keep needs a folder\n");
                return EXIT_USAGE;
            }
            a->keep = v;
        } else if (strcmp(argv[i], "--all") == 0) {
            a->flags |= CMP_MD_ALL;
        } else if (strcmp(argv[i], "--raw") == 0) {
            a->flags |= CMP_MD_RAW;
        } else if (cli_is_help(argv[i])) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--paired") == 0) {
            if (a->nbase || a->nnew || i + 2 >= argc) {
                fprintf(stderr, "chanmul compare: --paired takes two chanmul programs (OLD NEW) and no results "
                                "files, then bench or sweep and its arguments\n");
                return EXIT_USAGE;
            }
            a->old_exe = argv[++i];
            a->new_exe = argv[++i];
            int k = i + 1;
            /* compare's own --rounds may come right after the two programs */
            if (k < argc && (strncmp(argv[k], "--rounds", 8) == 0)) {
                i = k;
                a->rounds_given = 1;
                if (cli_option(argc, argv, &i, "--rounds", &v) <= 0 || int_parse(v, &a->rounds) != 0 ||
                    a->rounds < 2 || a->rounds > MAX_RUNS) {
                    fprintf(stderr, "chanmul compare: --rounds takes an integer from 2 to %d\n", MAX_RUNS);
                    return EXIT_USAGE;
                }
                k = i + 1;
            }
            if (k >= argc || (strcmp(argv[k], "bench") != 0 && strcmp(argv[k], "sweep") != 0)) {
                fprintf(stderr, "chanmul compare: --paired OLD NEW must be followed by bench or sweep and its "
                                "arguments, e.g. bench --shape 8x14x14x64 --layout nhwc\n");
                return EXIT_USAGE;
            }
            a->run_argv = argv + k;
            a->run_argc = argc - k;
            break;
        } else if (strcmp(argv[i], "--") == 0) {
            if (after_separator) {
                fprintf(stderr, "chanmul compare: '--' may separate the base files from the new ones once\n");
                return EXIT_USAGE;
            }
            after_separator = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "chanmul compare: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return EXIT_USAGE;
        } else {
            size_t *n = after_separator ? &a->nnew : &a->nbase;
            if (*n == MAX_RUNS) {
                fprintf(stderr, "chanmul compare: at most %d results files per side\n", MAX_RUNS);
                return EXIT_USAGE;
            }
            (after_separator ? a->new_files : a->base)[(*n)++] = argv[i];
        }
    }
    if (a->old_exe)
        return -1;
    if (!after_separator) {
        if (a->nbase != 2) {
            fprintf(stderr, "chanmul compare: give BASE.json NEW.json (or several runs per side: A1 A2 -- B1 B2)%s\n",
                    a->nbase > 2 ? "; with more than two files, '--' must separate the sides" : "");
            usage(stderr);
            return EXIT_USAGE;
        }
        a->new_files[a->nnew++] = a->base[--a->nbase];
    }
    if (!a->nbase || !a->nnew) {
        fprintf(stderr, "chanmul compare: each side needs at least one results file\n");
        return EXIT_USAGE;
    }
    return -1;
}

/* ---- paired mode: the two builds in alternating rounds ------------------------------------ */

static int has_option(char **argv, int argc, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < argc; i++)
        if (strncmp(argv[i], name, len) == 0 && (argv[i][len] == '\0' || argv[i][len] == '='))
            return 1;
    return 0;
}

/* Runs `exe verb args... [--repetitions 3] --json path`, its output into log.
 * Returns the exit status (0 ok), or -1 when it could not be started. */
static int run_build(const char *exe, const compare_args *a, const char *json, const char *log)
{
    char **argv = calloc((size_t)a->run_argc + 6, sizeof *argv);
    if (!argv)
        return -1;
    int n = 0;
    argv[n++] = (char *)exe;
    for (int i = 0; i < a->run_argc; i++)
        argv[n++] = a->run_argv[i];
    if (!has_option(a->run_argv, a->run_argc, "--repetitions")) {
        argv[n++] = "--repetitions";
        argv[n++] = PAIRED_REPETITIONS;
    }
    argv[n++] = "--json";
    argv[n++] = (char *)json;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(argv);
        return -1;
    }
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execv(exe, argv);
        fprintf(stderr, "cannot run %s: %s\n", exe, strerror(errno));
        _exit(127);
    }
    free(argv);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

static void show_log_tail(const char *log)
{
    FILE *f = fopen(log, "r");
    if (!f)
        return;
    char lines[8][512];
    int n = 0;
    while (fgets(lines[n % 8], sizeof lines[0], f))
        n++;
    fclose(f);
    for (int k = n > 8 ? n - 8 : 0; k < n; k++)
        fprintf(stderr, "  | %s", lines[k % 8]);
}

static int check_program(const char *exe)
{
    struct stat st;
    if (stat(exe, &st) != 0 || !S_ISREG(st.st_mode) || access(exe, X_OK) != 0) {
        fprintf(stderr, "chanmul compare: '%s' is not an executable chanmul program\n", exe);
        return -1;
    }
    return 0;
}

/* Runs one build once; a non-zero exit becomes ours (2 for its bad usage). */
static int run_checked(const char *exe, const compare_args *a, const char *json, const char *log,
                       const char *what)
{
    remove(json);
    int rc = run_build(exe, a, json, log);
    struct stat st;
    int written = stat(json, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    if ((rc == 0 || rc == EXIT_VERDICT) && written)
        return 0; /* exit 1 from bench: a verification failure, shown in the results */
    if (rc == 0 || rc == EXIT_VERDICT)
        fprintf(stderr, "chanmul compare: %s (%s) exited %d but wrote no results to --json %s; its last lines:\n",
                what, exe, rc, json);
    else
        fprintf(stderr, "chanmul compare: %s (%s) %s (exit %d); its last lines:\n", what, exe,
                rc < 0 ? "could not be started" : "failed", rc);
    show_log_tail(log);
    return EXIT_USAGE;
}

/* The smallest p a benchmark's test must reach among `tests` benchmarks:
 * what Holm asks of the strongest result, in the benchmarks' family (which
 * gets half of alpha, compare.c). */
static double strongest_alpha(double alpha, size_t tests)
{
    return alpha / 2 / (double)(tests ? tests : 1);
}

/* The fewest rounds (from 12) whose exact sign-flip test can reach that. */
static int paired_rounds(double alpha, size_t tests)
{
    int r = MIN_DEFAULT_ROUNDS;
    while (r < MAX_DEFAULT_ROUNDS && stats_sign_flip_min_p((size_t)r) >= strongest_alpha(alpha, tests))
        r++;
    return r;
}

/* How many benchmarks these results hold; 0 (after saying why) if unreadable. */
static size_t tests_in(const char *json, const char *exe)
{
    rp_file f;
    char err[1024];
    if (rp_load(json, &f, err, sizeof err) != 0) {
        fprintf(stderr, "chanmul compare: the results of %s: %s\n", exe, err);
        return 0;
    }
    size_t n = f.npoints;
    rp_free(&f);
    if (!n)
        fprintf(stderr, "chanmul compare: the results of %s hold no chanmul benchmark\n", exe);
    return n;
}

static int remove_dir(const char *dir, char paths[][600], int n)
{
    for (int i = 0; i < n; i++)
        remove(paths[i]);
    return rmdir(dir);
}

/* Runs the rounds and fills files[0..rounds) (old) and files[rounds..2 rounds) (new). */
static int run_paired(compare_args *a, char dir[static 512], char paths[][600], int *npaths)
{
    if (check_program(a->old_exe) || check_program(a->new_exe))
        return EXIT_USAGE;
    if (a->keep) {
        struct stat st;
        if (strlen(a->keep) >= 480 || (mkdir(a->keep, 0755) != 0 && errno != EEXIST) || stat(a->keep, &st) != 0 ||
            !S_ISDIR(st.st_mode) || access(a->keep, W_OK) != 0) {
            fprintf(stderr, "chanmul compare: --keep '%s' is not a writable folder\n", a->keep);
            return EXIT_USAGE;
        }
        snprintf(dir, 512, "%s", a->keep);
    } else {
        const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        snprintf(dir, 512, "%s/chanmul-paired-XXXXXX", tmp);
        if (!mkdtemp(dir)) {
            fprintf(stderr, "chanmul compare: cannot create a temporary folder in %s: %s\n", tmp, strerror(errno));
            return EXIT_USAGE;
        }
    }
    char log[600];
    snprintf(log, sizeof log, "%s/run.log", dir);
    snprintf(paths[(*npaths)++], 600, "%s", log);
    /* A warm-up run of each, discarded (STREAM's rule: the first run is not a
     * sample), which also checks the arguments and times a round. */
    double t_warm[2];
    const char *exe[2] = {a->old_exe, a->new_exe};
    for (int s = 0; s < 2; s++) {
        const char *warm = paths[*npaths];
        snprintf(paths[(*npaths)++], 600, "%s/warmup-%s.json", dir, s ? "new" : "old");
        double t0 = monotonic_seconds();
        fprintf(stderr, "chanmul compare: warm-up run of %s\n", exe[s]);
        int rc = run_checked(exe[s], a, warm, log, s ? "the new build" : "the old build");
        if (rc)
            return rc;
        t_warm[s] = monotonic_seconds() - t0;
    }
    size_t tests = tests_in(paths[*npaths - 2], a->old_exe);
    if (!tests)
        return EXIT_USAGE;
    if (!a->rounds_given)
        a->rounds = paired_rounds(a->o.alpha, tests);
    else if (stats_sign_flip_min_p((size_t)a->rounds) >= strongest_alpha(a->o.alpha, tests))
        fprintf(stderr, "chanmul compare: warning: with %d rounds the exact test's smallest p (%.2g) cannot reach "
                        "alpha for a single one of %zu benchmarks; %d rounds can\n",
                a->rounds, stats_sign_flip_min_p((size_t)a->rounds), tests, paired_rounds(a->o.alpha, tests));
    double estimate = a->rounds * (t_warm[0] + t_warm[1]);
    fprintf(stderr, "chanmul compare: paired, %d rounds of the two builds alternating (A B B A ...): about %.0f s "
                    "(%.1f s + %.1f s per round, from the warm-up)\n",
            a->rounds, estimate, t_warm[0], t_warm[1]);
    int first = *npaths; /* round r: paths[first + r] (old), paths[first + rounds + r] (new) */
    for (int r = 0; r < a->rounds; r++)
        for (int s = 0; s < 2; s++)
            snprintf(paths[first + (s ? a->rounds : 0) + r], 600, "%s/round-%02d-%s.json", dir, r,
                     s ? "new" : "old");
    *npaths += 2 * a->rounds; /* all named now, so that a failure removes every one */
    double t0 = monotonic_seconds();
    for (int r = 0; r < a->rounds; r++) {
        for (int k = 0; k < 2; k++) {
            int s = (r % 2 == 0) ? k : 1 - k; /* A B, then B A: neither build always goes first */
            const char *path = paths[first + (s ? a->rounds : 0) + r];
            int rc = run_checked(exe[s], a, path, log, s ? "the new build" : "the old build");
            if (rc)
                return rc;
        }
        double elapsed = monotonic_seconds() - t0;
        fprintf(stderr, "[round %d/%d] %.0fs elapsed, about %.0fs left\n", r + 1, a->rounds, elapsed,
                elapsed / (r + 1) * (a->rounds - r - 1));
    }
    for (int r = 0; r < a->rounds; r++) {
        a->base[a->nbase++] = paths[first + r];
        a->new_files[a->nnew++] = paths[first + a->rounds + r];
    }
    a->o.paired = 1;
    return 0;
}

/* ---- the verb ------------------------------------------------------------------------------ */

static int load_side(const char *const *paths, size_t n, rp_file *files, size_t *loaded)
{
    char err[1024];
    for (size_t i = 0; i < n; i++) {
        if (rp_load(paths[i], &files[i], err, sizeof err) != 0) {
            fprintf(stderr, "chanmul compare: %s\n", err);
            return EXIT_USAGE;
        }
        (*loaded)++;
    }
    return 0;
}

static int write_output(const compare_args *a, const cmp_result *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&text, &len);
    if (!o)
        return -1;
    int rc;
    if (a->json) {
        rc = cmp_write_json(o, r, a->base, a->nbase, a->new_files, a->nnew);
    } else {
        char base_label[700], new_label[700];
        if (r->options.paired) {
            snprintf(base_label, sizeof base_label, "%s", a->old_exe);
            snprintf(new_label, sizeof new_label, "%s", a->new_exe);
        } else {
            snprintf(base_label, sizeof base_label, "%s%s", a->base[0], a->nbase > 1 ? " (and more runs)" : "");
            snprintf(new_label, sizeof new_label, "%s%s", a->new_files[0], a->nnew > 1 ? " (and more runs)" : "");
        }
        rc = cmp_write_markdown(o, r, base_label, new_label, 2, a->flags);
    }
    if (fclose(o) != 0 || rc != 0) {
        free(text);
        return -1;
    }
    if (a->out)
        rc = file_write_atomic(a->out, text, len);
    else
        rc = fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : -1;
    if (rc != 0)
        fprintf(stderr, "chanmul compare: cannot write %s: %s\n", a->out ? a->out : "standard output",
                strerror(errno));
    free(text);
    return rc;
}

int cmd_compare(int argc, char **argv)
{
    compare_args a;
    int rc = compare_parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.out && cli_check_output("chanmul compare", "--out", a.out, 0) != 0)
        return EXIT_USAGE; /* (before a paired run's rounds, not after) */
    char dir[512] = "", (*paths)[600] = NULL;
    int npaths = 0;
    if (a.old_exe) {
        paths = calloc(2 * MAX_RUNS + 4, sizeof *paths);
        if (!paths)
            return EXIT_USAGE;
        rc = run_paired(&a, dir, paths, &npaths);
        if (rc) {
            if (dir[0] && !a.keep)
                remove_dir(dir, paths, npaths);
            free(paths);
            return rc;
        }
    }
    rp_file *files = calloc(a.nbase + a.nnew, sizeof *files);
    size_t loaded_base = 0, loaded_new = 0;
    cmp_result result;
    char err[1024];
    if (!files) {
        rc = EXIT_USAGE;
    } else if ((rc = load_side(a.base, a.nbase, files, &loaded_base)) == 0 &&
               (rc = load_side(a.new_files, a.nnew, files + a.nbase, &loaded_new)) == 0) {
        if (cmp_compare(files, a.nbase, files + a.nbase, a.nnew, &a.o, &result, err, sizeof err) != 0) {
            fprintf(stderr, "chanmul compare: %s\n", err);
            rc = EXIT_USAGE;
        } else {
            for (size_t i = 0; i < result.ncontext; i++)
                if (result.context[i].machine)
                    fprintf(stderr, "chanmul compare: warning: %s differs: '%s' in the base, '%s' in the new\n",
                            result.context[i].key, result.context[i].base, result.context[i].new_value);
            rc = write_output(&a, &result) != 0 ? EXIT_USAGE : result.exit_code;
            cmp_free(&result);
        }
    }
    for (size_t i = 0; i < loaded_base; i++)
        rp_free(&files[i]);
    for (size_t i = 0; i < loaded_new; i++)
        rp_free(&files[a.nbase + i]);
    free(files);
    if (dir[0] && !a.keep)
        remove_dir(dir, paths, npaths);
    free(paths);
    return rc;
}
