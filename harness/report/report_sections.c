/* What the report's sections share (report_sections.h): the per-machine
 * headings and columns, and the names of sites and points. */
#include "report_sections.h"

#include "markdown.h"

int machine_heading(FILE *o, const report *r, const report_machine *m, int level)
{
    if (r->nm > 1) {
        md_heading(o, level, "%s", m->name);
        return level + 1;
    }
    return level;
}

void machine_columns(FILE *o, const report *r, const char *head, const char *rule)
{
    fputs(head, o);
    for (int k = 0; k < r->nm; k++) {
        fputc(' ', o);
        md_cell(o, r->nm > 1 ? r->m[k].name : "Verdict");
        fputs(" |", o);
    }
    fprintf(o, "\n%s", rule);
    for (int k = 0; k < r->nm; k++)
        fputs("---|", o);
    fputc('\n', o);
}

const char *site_shape(const rp_site *s, char *buf, size_t len)
{
    snprintf(buf, len, "%s", s->shape);
    return buf;
}

const char *point_label(const rp_file *f, const rp_point *p)
{
    return f->series[p->series].label;
}
