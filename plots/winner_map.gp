# winner_map.gp: the fastest implementation over batch N x channels C, one panel per layout
# (columns) and thread count (rows); each cell names the winner and its margin over the
# runner-up. Rendered by `chanmul report`. Variables (gnuplot -e), besides those of common.gp:
#   scriptdir, maintitle, nrows, ncolumns, npanels (= nrows x ncolumns, row by row)
#   file<i>, title<i>  data file ("x y rgb winner margin" per cell) and panel title
#   nx<i>, ny<i>       grid size; xtics<i>, ytics<i>: ("label" index, ...) tic lists
if (!exists("scriptdir")) scriptdir = "plots"
load scriptdir."/common.gp"

unset grid
set border 15 lc rgb "#404040"
set tics scale 0
set xlabel "channels C"
set ylabel "batch size N"
set multiplot layout nrows, ncolumns title maintitle font ",14"
do for [p=1:npanels] {
    f = value(sprintf("file%d", p))
    set title value(sprintf("title%d", p)) font ",12"
    set xrange [-0.5:value(sprintf("nx%d", p)) - 0.5]
    set yrange [-0.5:value(sprintf("ny%d", p)) - 0.5]
    eval("set xtics ".value(sprintf("xtics%d", p)))
    eval("set ytics ".value(sprintf("ytics%d", p)))
    plot f using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 0.35 noborder lc rgb variable notitle, \
         f using 1:($2 + 0.14):4 with labels font ",10" notitle, \
         f using 1:($2 - 0.18):5 with labels font ",9" tc rgb "#303030" notitle
}
unset multiplot
