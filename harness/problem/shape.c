#include "shape.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* Reads one unsigned decimal number at *text, advancing it. */
static int read_dim(const char **text, size_t *out)
{
    const char *t = *text;
    if (!isdigit((unsigned char)*t))
        return -1;
    size_t v = 0;
    for (; isdigit((unsigned char)*t); t++) {
        size_t d = (size_t)(*t - '0');
        if (v > (SIZE_MAX - d) / 10)
            return -2;
        v = v * 10 + d;
    }
    *out = v;
    *text = t;
    return 0;
}

int shape_parse(const char *text, chanmul_problem *p, char *err, size_t errlen)
{
    static const char *names[4] = {"N", "H", "W", "C"};
    size_t dims[4];
    const char *t = text ? text : "";
    for (int i = 0; i < 4; i++) {
        int rc = read_dim(&t, &dims[i]);
        if (rc == -2) {
            snprintf(err, errlen, "malformed shape '%s': %s is too large", text, names[i]);
            return -1;
        }
        if (rc != 0) {
            snprintf(err, errlen,
                     "malformed shape '%s': expected NxHxWxC, four non-negative integers "
                     "separated by 'x' (e.g. 32x28x28x64); %s is missing or not a number",
                     text, names[i]);
            return -1;
        }
        if (i < 3 && *t++ != 'x') {
            snprintf(err, errlen,
                     "malformed shape '%s': expected NxHxWxC with exactly four dimensions "
                     "separated by 'x' (e.g. 32x28x28x64)",
                     text);
            return -1;
        }
    }
    if (*t != '\0') {
        snprintf(err, errlen,
                 "malformed shape '%s': unexpected '%s' after C; expected NxHxWxC (e.g. 32x28x28x64)",
                 text, t);
        return -1;
    }
    p->n = dims[0];
    p->h = dims[1];
    p->w = dims[2];
    p->c = dims[3];
    return 0;
}

int layout_parse(const char *text, chanmul_layout *layout)
{
    if (text && strcasecmp(text, "nhwc") == 0)
        *layout = CHANMUL_NHWC;
    else if (text && strcasecmp(text, "nchw") == 0)
        *layout = CHANMUL_NCHW;
    else
        return -1;
    return 0;
}

int int_parse(const char *text, int *value)
{
    if (!text || !isdigit((unsigned char)*text))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || v > INT32_MAX)
        return -1;
    *value = (int)v;
    return 0;
}

const char *shape_format(const chanmul_problem *p, char *buf, size_t len)
{
    snprintf(buf, len, "%zux%zux%zux%zu", p->n, p->h, p->w, p->c);
    return buf;
}
