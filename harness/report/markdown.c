/* Markdown for `chanmul report` (markdown.h). */
#include "markdown.h"

#include <math.h>
#include <stdarg.h>

void md_cell(FILE *o, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", o);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', o);
        else
            fputc(*s, o);
    }
}

void md_code(FILE *o, const char *s)
{
    fputc('`', o);
    for (; s && *s; s++)
        fputc(*s == '`' ? '\'' : *s == '|' ? '/' : *s, o);
    fputc('`', o);
}

void md_heading(FILE *o, int level, const char *fmt, ...)
{
    va_list ap;
    fputc('\n', o);
    for (int i = 0; i < level; i++)
        fputc('#', o);
    fputc(' ', o);
    va_start(ap, fmt);
    vfprintf(o, fmt, ap);
    va_end(ap);
    fputs("\n\n", o);
}

const char *md_pct(double ratio, char *buf, size_t len)
{
    if (isfinite(ratio))
        snprintf(buf, len, "%.0f%%", ratio * 100);
    else
        snprintf(buf, len, "-");
    return buf;
}

const char *md_ratio2(double ratio, char *buf, size_t len)
{
    if (isfinite(ratio))
        snprintf(buf, len, "%.2f", ratio);
    else
        snprintf(buf, len, "-");
    return buf;
}

const char *md_signed_pct(double ratio, char *buf, size_t len)
{
    snprintf(buf, len, "%+.1f%%", (ratio - 1) * 100);
    return buf;
}
