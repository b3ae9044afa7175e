/*
 * Markdown for `chanmul report`: the one writer of table cells, inline code
 * and headings, and of the number formats its tables share. The report's
 * sections (sections_*.c) write through these, so escaping and the text of a
 * missing value ("-") are decided once.
 */
#ifndef CHANMUL_MARKDOWN_H
#define CHANMUL_MARKDOWN_H

#include <stddef.h>
#include <stdio.h>

/* Text for a table cell: '|' escaped, line breaks as spaces. */
void md_cell(FILE *o, const char *s);

/* Inline code: backticks inside become quotes, so the span cannot break. */
void md_code(FILE *o, const char *s);

/* A heading of level '#'s; the newline before it and the blank line after it
 * keep it apart from the text around, whatever that ended with. */
void md_heading(FILE *o, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Formatting, into buf; each returns buf. A non-finite ratio is "-". */
const char *md_pct(double ratio, char *buf, size_t len);        /* 0.87 -> "87%" */
const char *md_ratio2(double ratio, char *buf, size_t len);     /* 0.87 -> "0.87" */
const char *md_signed_pct(double ratio, char *buf, size_t len); /* 1.043 -> "+4.3%" (always a number) */

#endif
