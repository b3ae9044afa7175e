/* The JSON files the library reads (the selection file, the cache probe
 * file): field access with validation, the CPU signature's fields, syntax
 * errors with a position, and reading a whole file (json_fields.h). */
#include "chanmul_internal.h"
#include "json_fields.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Line and column (from 1) of offset in text. */
static void position_of(const char *text, size_t offset, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* 1 when text ends inside a string or with brackets left open: a file cut
 * short (a crash during a copy, a full disk), rather than one malformed in
 * the middle, which cJSON's error position then points at. */
static int ends_unfinished(const char *text, size_t len)
{
    long depth = 0;
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (in_string) {
            if (ch == '\\')
                i++;
            else if (ch == '"')
                in_string = 0;
        } else if (ch == '"') {
            in_string = 1;
        } else if (ch == '{' || ch == '[') {
            depth++;
        } else if (ch == '}' || ch == ']') {
            depth--;
        }
    }
    size_t last = len;
    while (last > 0 && (text[last - 1] == ' ' || text[last - 1] == '\n' || text[last - 1] == '\t' ||
                        text[last - 1] == '\r'))
        last--;
    return in_string || depth > 0 || last == 0;
}

const cJSON *chanmul_json_member(const cJSON *obj, const char *name, int type_mask)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, name);
    return m && (m->type & 0xff & type_mask) ? m : NULL;
}

int chanmul_json_get_string(const cJSON *obj, const char *name, char *out, size_t len)
{
    const cJSON *m = chanmul_json_member(obj, name, cJSON_String);
    if (!m || strlen(m->valuestring) >= len)
        return -1;
    memcpy(out, m->valuestring, strlen(m->valuestring) + 1);
    return 0;
}

/* A non-negative integer field no larger than max. */
int chanmul_json_get_count(const cJSON *obj, const char *name, double max, size_t *out)
{
    const cJSON *m = chanmul_json_member(obj, name, cJSON_Number);
    if (!m || !(m->valuedouble >= 0) || m->valuedouble > max || m->valuedouble != floor(m->valuedouble))
        return -1;
    *out = (size_t)m->valuedouble;
    return 0;
}

int chanmul_json_get_real(const cJSON *obj, const char *name, double *out)
{
    const cJSON *m = chanmul_json_member(obj, name, cJSON_Number);
    if (!m || !isfinite(m->valuedouble))
        return -1;
    *out = m->valuedouble;
    return 0;
}

int chanmul_json_parse_cpu(const cJSON *cpu, chanmul_cpu_signature *sig, const char **bad)
{
    size_t v;
    memset(sig, 0, sizeof *sig);
#define CPU_STR(f)                                                                        \
    if (chanmul_json_get_string(cpu, #f, sig->f, sizeof sig->f)) {                                     \
        *bad = "cpu." #f;                                                                 \
        return -1;                                                                        \
    }
#define CPU_NUM(f, T)                                                                     \
    if (chanmul_json_get_count(cpu, #f, 9007199254740992.0, &v)) {                                    \
        *bad = "cpu." #f;                                                                 \
        return -1;                                                                        \
    }                                                                                     \
    sig->f = (T)v;
    CPU_STR(vendor)
    CPU_NUM(family, int)
    CPU_NUM(model, int)
    CPU_STR(flags)
    CPU_STR(isa)
    CPU_NUM(l1d_bytes, size_t)
    CPU_NUM(l2_bytes, size_t)
    CPU_NUM(llc_bytes, size_t)
    CPU_NUM(cores, int)
#undef CPU_STR
#undef CPU_NUM
    return 0;
}

cJSON *chanmul_json_parse(const char *text, size_t len, const char *path, char *err, size_t errlen)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (root)
        return root;
    int truncated = ends_unfinished(text, len);
    size_t offset = truncated ? len : end && end >= text && end <= text + len ? (size_t)(end - text) : len;
    size_t line, col;
    position_of(text, offset, &line, &col);
    snprintf(err, errlen, "%s:%zu:%zu: %s", path, line, col,
             truncated ? "truncated: the JSON ends before it is complete" : "malformed JSON");
    return NULL;
}

int chanmul_json_add_cpu(cJSON *cpu, const chanmul_cpu_signature *c)
{
    return cJSON_AddStringToObject(cpu, "vendor", c->vendor) &&
           cJSON_AddNumberToObject(cpu, "family", c->family) &&
           cJSON_AddNumberToObject(cpu, "model", c->model) &&
           cJSON_AddStringToObject(cpu, "flags", c->flags) &&
           cJSON_AddStringToObject(cpu, "isa", c->isa) &&
           cJSON_AddNumberToObject(cpu, "l1d_bytes", (double)c->l1d_bytes) &&
           cJSON_AddNumberToObject(cpu, "l2_bytes", (double)c->l2_bytes) &&
           cJSON_AddNumberToObject(cpu, "llc_bytes", (double)c->llc_bytes) &&
           cJSON_AddNumberToObject(cpu, "cores", c->cores);
}

/* The whole of path, NUL-terminated, or NULL with the reason in err. */
char *chanmul_read_text_file(const char *path, size_t *len, char *err, size_t errlen)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        fclose(f);
        return NULL;
    }
    char *text = malloc((size_t)st.st_size + 1);
    size_t got = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!text || got != (size_t)st.st_size) {
        snprintf(err, errlen, "%s: %s", path, text ? "read failed" : "out of memory");
        free(text);
        return NULL;
    }
    text[got] = '\0';
    *len = got;
    return text;
}

