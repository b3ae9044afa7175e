# common.gp: terminal and style shared by the chanmul plots; the other scripts load it.
# Part of `chanmul report` (harness/report_plots.c passes the variables with gnuplot -e):
#   format     'png' (pngcairo, or libgd png when gnuplot lacks cairo) or 'svg'
#   outfile    output path
#   width, height   canvas in pixels
if (!exists("format")) format = "png"
if (!exists("width")) width = 1200
if (!exists("height")) height = 520
if (format eq "svg") {
    set terminal svg size width, height dynamic noenhanced font "Sans,12" background "#ffffff"
} else {
    if (strstrt(" ".GPVAL_TERMINALS." ", " pngcairo ") > 0) {
        set terminal pngcairo size width, height noenhanced font "Sans,11" background "#ffffff"
    } else {
        set terminal png size width, height noenhanced background "#ffffff"
    }
}
if (exists("outfile")) set output outfile
set datafile missing "?"
set border 3 lc rgb "#404040"
set tics nomirror
set grid xtics ytics lc rgb "#dddddd" lw 1 dt 1
