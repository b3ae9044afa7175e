# lines.gp: throughput lines, one panel per layout. `chanmul report` renders with it the
# throughput vs batch size, vs channel count, and the thread scaling.
# Variables (gnuplot -e), besides those of common.gp:
#   scriptdir           directory of these scripts (for common.gp)
#   maintitle           title over all panels
#   npanels             number of panels; file<i>, title<i> for i = 1..npanels
#   ncols               columns in every data file: x, then nbase baselines, then kernels;
#                       the first non-comment line names them (the legend)
#   nbase               baseline columns after x, drawn as lines without points
#                       (memcpy dashed: the roofline)
#   colors, dashes, points   one word per column after x: rgb colour, dash type, point type
#   xlabel, logx (0: linear axis, else the log base), xtics (comma list, "" = automatic)
# Example, for one panel:
#   gnuplot -e "scriptdir='plots'; outfile='x.png'; npanels=1; file1='plots/throughput_vs_batch_nhwc.dat'; \
#     title1='nhwc'; ncols=5; nbase=2; colors='#000000 #777777 #0072b2 #d55e00'; dashes='2 3 1 1'; \
#     points='0 0 7 5'; maintitle='t'; xlabel='N'; logx=2; xtics=''" plots/lines.gp
if (!exists("scriptdir")) scriptdir = "plots"
load scriptdir."/common.gp"
if (!exists("xtics")) xtics = ""
if (!exists("logx")) logx = 0

set multiplot layout 1, npanels title maintitle font ",14"
set xlabel xlabel
set ylabel "throughput (GB/s = 10^9 bytes/s)"
if (logx > 0) { set logscale x logx } else { unset logscale x }
if (strlen(xtics) > 0) { eval("set xtics (".xtics.")") }
set yrange [0:*]
set offsets graph 0.04, graph 0.04, graph 0.06, 0
set key below horizontal maxrows 3 samplen 3 spacing 1.1
do for [p=1:npanels] {
    f = value(sprintf("file%d", p))
    set title value(sprintf("title%d", p)) font ",12"
    plot for [i=2:nbase+1] f using 1:i with lines lw 2 dt int(word(dashes, i-1)) \
             lc rgb word(colors, i-1) title columnhead(i), \
         for [i=nbase+2:ncols] f using 1:i with linespoints lw 2 pt int(word(points, i-1)) ps 1.2 \
             dt int(word(dashes, i-1)) lc rgb word(colors, i-1) title columnhead(i)
}
unset multiplot
