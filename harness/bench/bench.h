/* Benchmarks: `chanmul bench` (one shape) and `chanmul sweep` (a grid), both
 * through Google Benchmark, with the memcpy and STREAM-scale baselines measured
 * in the same run on the same buffers. */
#ifndef CHANMUL_BENCH_H
#define CHANMUL_BENCH_H

int cmd_bench(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
