/* The JSON files the library reads and writes: shared field access (a field
 * of the wrong type or out of range is missing), the CPU signature's fields,
 * syntax errors with file:line:column, and reading a whole file. */
#ifndef CHANMUL_JSON_FIELDS_H
#define CHANMUL_JSON_FIELDS_H

#include "chanmul.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* obj's member name when its type is in type_mask (cJSON_String, ...), else NULL. */
const cJSON *chanmul_json_member(const cJSON *obj, const char *name, int type_mask);
/* 0 and the string copied to out, or -1 when missing, not a string or too long. */
int chanmul_json_get_string(const cJSON *obj, const char *name, char *out, size_t len);
/* 0 and a non-negative integer no larger than max, or -1. */
int chanmul_json_get_count(const cJSON *obj, const char *name, double max, size_t *out);
/* 0 and a finite number, or -1. */
int chanmul_json_get_real(const cJSON *obj, const char *name, double *out);
/* The "cpu" object's fields into sig: 0, or -1 with *bad naming the field. */
int chanmul_json_parse_cpu(const cJSON *cpu, chanmul_cpu_signature *sig, const char **bad);
/* Adds sig's fields to the object cpu: 1, or 0 when out of memory. */
int chanmul_json_add_cpu(cJSON *cpu, const chanmul_cpu_signature *sig);
/* The JSON tree of text, or NULL with "path:line:column: malformed JSON" (or
 * "truncated: ..." when the text ends inside a string or with brackets open)
 * in err. */
cJSON *chanmul_json_parse(const char *text, size_t len, const char *path, char *err, size_t errlen);
/* The whole of path, NUL-terminated, or NULL with the reason in err. */
char *chanmul_read_text_file(const char *path, size_t *len, char *err, size_t errlen);

#endif
