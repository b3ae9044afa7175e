/*
 * Section 6 of the report, "Plots": each machine's figures, linked as PNG and
 * SVG from the plots directory (report_plots.c made them), or why there is no
 * image.
 */
#include "report_sections.h"

#include "markdown.h"

void section_plots(FILE *o, const report *r)
{
    static const char *letters = "abcd";
    md_heading(o, 2, "6. Plots");
    if (!r->plotter.available)
        fprintf(o, "**No images**: %s. The plot data is in `%s/*.dat`.\n", r->plotter.why, r->plots_rel);
    else
        fprintf(o, "Rendered with %s from `%s/*.dat` by the scripts `plots/lines.gp` and "
                   "`plots/winner_map.gp`; every image also exists as SVG.\n",
                r->plotter.version, r->plots_rel);
    for (int k = 0; k < r->nm; k++) {
        const report_machine *m = &r->m[k];
        if (machine_heading(o, r, m, 3) == 3)
            fputc('\n', o);
        for (int p = 0; p < RP_PLOT_COUNT; p++) {
            const rp_plot *pl = &m->plots[p];
            fprintf(o, "**Figure %d%c.** ", k + 1, letters[p]);
            md_cell(o, pl->caption);
            if (pl->rendered) {
                fprintf(o, " ([SVG](%s/%s.svg))\n\n![", r->plots_rel, pl->file);
                md_cell(o, pl->caption);
                fprintf(o, "](%s/%s.png)\n\n", r->plots_rel, pl->file);
            } else {
                fputs(" - ", o);
                md_cell(o, pl->why);
                fputs("\n\n", o);
            }
        }
    }
}
