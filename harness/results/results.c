#include "results.h"

#include "files.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int results_format_name(char *buf, size_t len, const char *op, const char *layout, const char *impl,
                        const char *shape, int threads)
{
    int n = snprintf(buf, len, "%s/%s/%s/%s/threads:%d", op, layout, impl, shape, threads);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

int results_parse_name_loose(const char *name, results_name *out)
{
    if (!name || strlen(name) >= sizeof out->buf)
        return -1;
    strcpy(out->buf, name);
    char *fields[4] = {0}, *save = NULL;
    int n = 0;
    out->threads = 0;
    for (char *tok = strtok_r(out->buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (n < 4)
            fields[n++] = tok;
        else if (strncmp(tok, "threads:", 8) == 0)
            out->threads = atoi(tok + 8);
        /* real_time, repeats:N, min_time:X, iterations:N, ...: Google Benchmark's */
    }
    if (n < 4)
        return -1;
    out->op = fields[0];
    out->layout = fields[1];
    out->impl = fields[2];
    out->shape = fields[3];
    return 0;
}

int results_parse_name(const char *name, results_name *out)
{
    /* the strict form: threads:<T> is the fifth field */
    const char *slash = name;
    for (int k = 0; slash && k < 4; k++)
        slash = strchr(slash, '/') ? strchr(slash, '/') + 1 : NULL;
    if (!slash || strncmp(slash, "threads:", 8) != 0)
        return -1;
    return results_parse_name_loose(name, out);
}

static const char *str_field(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double num_field(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -1.0;
}

/* A memcpy row and its parsed name, collected once per file: looking each
 * kernel row's reference up by re-parsing every row made the pass quadratic
 * (about 10^9 parses for a full sweep). */
typedef struct memcpy_row {
    const cJSON *row;
    results_name name; /* points into its own buf: the array is never reallocated */
} memcpy_row;

/* The memcpy rows of `rows`, in file order; *count of them (NULL and 0 when none
 * or out of memory: then no ratios are added). */
static memcpy_row *memcpy_rows(const cJSON *rows, size_t *count)
{
    const cJSON *row;
    results_name n;
    size_t total = 0;
    cJSON_ArrayForEach(row, rows)
        total += results_parse_name(str_field(row, "name"), &n) == 0 && strcmp(n.op, "memcpy") == 0;
    *count = 0;
    memcpy_row *out = total ? malloc(total * sizeof *out) : NULL;
    if (!out)
        return NULL;
    cJSON_ArrayForEach(row, rows)
    {
        if (results_parse_name(str_field(row, "name"), &n) != 0 || strcmp(n.op, "memcpy") != 0)
            continue;
        /* parsed again in place: a results_name's fields point into its own buf */
        memcpy_row *m = &out[(*count)++];
        m->row = row;
        results_parse_name(str_field(row, "name"), &m->name);
    }
    return out;
}

/* The memcpy row that a kernel row is compared with, or NULL: the first of the
 * same layout, shape, threads, run type, aggregate and repetition. */
static const cJSON *find_memcpy(const memcpy_row *m, size_t count, const cJSON *row,
                                const results_name *rn)
{
    for (size_t i = 0; i < count; i++) {
        const results_name *cn = &m[i].name;
        const cJSON *cand = m[i].row;
        if (strcmp(cn->layout, rn->layout) || strcmp(cn->shape, rn->shape) || cn->threads != rn->threads)
            continue;
        if (strcmp(str_field(cand, "run_type"), str_field(row, "run_type")) ||
            strcmp(str_field(cand, "aggregate_name"), str_field(row, "aggregate_name")) ||
            num_field(cand, "repetition_index") != num_field(row, "repetition_index"))
            continue;
        return cand;
    }
    return NULL;
}

int results_finish(const char *raw_path, const char *out_path, FILE *summary)
{
    char err[1024];
    size_t text_len;
    char *text = file_read_all(raw_path, "benchmark output", &text_len, err, sizeof err);
    if (!text) {
        fprintf(stderr, "chanmul: %s\n", err);
        return -1;
    }
    cJSON *root = cJSON_Parse(text);
    free(text);
    cJSON *rows = root ? cJSON_GetObjectItemCaseSensitive(root, "benchmarks") : NULL;
    if (!cJSON_IsArray(rows)) {
        /* Google Benchmark does not report a failed write of its --benchmark_out: a
         * file cut short is the sign (a full disk or a file-size limit) */
        fprintf(stderr, "chanmul: cannot write %s: Google Benchmark's results in %s are %s\n", out_path,
                raw_path, text_len ? "cut short or not JSON (is the disk full?)" : "empty (is the disk full?)");
        cJSON_Delete(root);
        return -1;
    }
    if (summary)
        fprintf(summary, "\n%-58s %10s %10s %8s\n", "benchmark (median)", "GB/s", "Gelem/s", "x memcpy");
    size_t memcpy_count;
    memcpy_row *memcpys = memcpy_rows(rows, &memcpy_count);
    cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        results_name rn;
        const char *agg = str_field(row, "aggregate_name");
        double bps = num_field(row, "bytes_per_second");
        if (results_parse_name(str_field(row, "name"), &rn) != 0 || bps < 0)
            continue;
        if (strcmp(agg, "stddev") == 0 || strcmp(agg, "cv") == 0)
            continue; /* a ratio of spreads means nothing */
        /* the memcpy timed next to this repetition when the row has one, else
         * the memcpy row of the same repetition index (timed at another moment) */
        double ref_bps = num_field(row, "memcpy_bytes_per_second");
        if (!(ref_bps > 0)) {
            const cJSON *ref = find_memcpy(memcpys, memcpy_count, row, &rn);
            ref_bps = ref ? num_field(ref, "bytes_per_second") : -1.0;
        }
        double ratio = ref_bps > 0 ? bps / ref_bps : -1.0;
        if (ratio >= 0)
            cJSON_AddNumberToObject(row, "memcpy_ratio", ratio);
        int is_summary_row = strcmp(agg, "median") == 0 ||
                             (strcmp(str_field(row, "run_type"), "iteration") == 0 &&
                              num_field(row, "repetitions") <= 1);
        if (summary && is_summary_row) {
            char name[256];
            results_format_name(name, sizeof name, rn.op, rn.layout, rn.impl, rn.shape, rn.threads);
            fprintf(summary, "%-58s %10.1f %10.2f", name, bps / 1e9,
                    num_field(row, "items_per_second") / 1e9);
            if (ratio >= 0)
                fprintf(summary, " %8.2f", ratio);
            fprintf(summary, "\n");
        }
    }
    free(memcpys);
    const char *last_error = "";
    cJSON_ArrayForEach(row, rows)
    {
        const char *name = str_field(row, "name");
        if (!summary || !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "error_occurred")) ||
            strcmp(name, last_error) == 0)
            continue; /* an error row repeats once per repetition: show it once */
        fprintf(summary, "%-58s FAIL: %s\n", name, str_field(row, "error_message"));
        last_error = name;
    }
    char *out = cJSON_Print(root);
    cJSON_Delete(root);
    if (!out) {
        fprintf(stderr, "chanmul: out of memory writing %s\n", out_path);
        return -1;
    }
    int rc = file_write_atomic(out_path, out, strlen(out));
    if (rc != 0)
        fprintf(stderr, "chanmul: cannot write %s: %s\n", out_path, strerror(errno));
    cJSON_free(out);
    return rc;
}
