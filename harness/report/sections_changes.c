/*
 * Section 9 of the report, "Changes since the baseline" (with --baseline):
 * `chanmul compare`'s verdicts of the baseline against the first results
 * file, as compare's own Markdown table.
 */
#include "report_sections.h"

#include "markdown.h"
#include "shell_word.h"

/* The verdicts of `chanmul compare BASE FIRST` with its defaults: the same
 * computation and the same table, so the report and compare always agree. */
void section_changes(FILE *o, const report *r)
{
    if (!r->have_changes)
        return;
    md_heading(o, 2, "9. Changes since the baseline");
    fputs("The verdicts of ", o);
    char cmd[2048] = "chanmul compare";
    shell_word_append(cmd, sizeof cmd, r->baseline_path);
    shell_word_append(cmd, sizeof cmd, r->m[0].f.path);
    md_code(o, cmd);
    fputs(" (README.md, \"Regression testing\").\n\n", o);
    cmp_write_markdown(o, &r->changes, r->baseline_path, r->m[0].f.path, 0, 0);
}
