/* The chanmul command line: the one option parser and the pieces every verb
 * shares (harness/cli/options.c), and the verbs. */
#ifndef CHANMUL_CLI_H
#define CHANMUL_CLI_H

#include "verify.h"

#include <stddef.h>

/* Exit codes: 0 success, 1 a verdict against (verification failed, ...), 2 bad usage. */
#define EXIT_VERDICT 1
#define EXIT_USAGE 2

/* --plugin may be given this many times per command. */
#define MAX_PLUGINS 16

/* 1 when arg asks for a verb's usage: --help or -h. */
int cli_is_help(const char *arg);

/* Option reading: matches "--name value" and "--name=value" at argv[*i]; on a
 * match stores the value, advances *i past it and returns 1; returns -1 (after
 * printing why) when the value is missing; 0 when argv[*i] is another option. */
int cli_option(int argc, char **argv, int *i, const char *name, const char **value);

/* --shape (NxHxWxC; any rank for bcast, kept in p->a) and --layout nhwc|nchw, as cli_option (1 matched, 0 another
 * option, -1 after printing why, prefixed with cmd, e.g. "chanmul verify"). */
int cli_shape_option(int argc, char **argv, int *i, const char *cmd, chanmul_problem *p);
int cli_layout_option(int argc, char **argv, int *i, const char *cmd, chanmul_layout *layout);
/* --shape2 (the second operand's shape, e.g. 7x1x5): like cli_shape_option. */
int cli_shape2_option(int argc, char **argv, int *i, const char *cmd, chanmul_shape *s);
/* After the options, once the op is known (op -1: all, none chosen): 0, or
 * EXIT_USAGE after printing why. For bcast, *p becomes the problem of --shape
 * (any rank) and --shape2 (b; default: a's last axis), or the message naming
 * both shapes and the first axis that cannot broadcast. For the other ops
 * --shape must be NxHxWxC, and --shape2 (if given: have_shape2) the second
 * operand's shape, else a message naming both shapes and the first axis
 * where they differ. */
int cli_shapes_resolve(const char *cmd, chanmul_problem *p, int op, int have_shape, int have_shape2,
                       const chanmul_shape *shape2);
/* "scale|scale_nc|gate|..." : every op's name, into buf (for usage lines). */
const char *cli_op_names(char *buf, size_t len);

/* Builds the implementations to run: impl_name "all" (those with a kernel for
 * op; op -1: for any op), one registered name, or NULL (none: only plugins; or
 * all when there are no plugins). Prints the reason and returns EXIT_USAGE on
 * an unknown name, a bad plugin, or an implementation without a kernel for op. */
int cli_targets(const char *impl_name, const char **plugins, int plugin_count, int op,
                verify_target **targets, size_t *count);

/* --op NAME (and, with allow_all, --op all: *op = -1), as cli_option; an unknown
 * op is reported with the valid names. */
int cli_op_option(int argc, char **argv, int *i, const char *cmd, int allow_all, int *op);

/* Frees what cli_targets returned (the plugins stay loaded until main's
 * plugin_free_all, after the command). */
void cli_targets_free(verify_target *targets);

/* Prints a warning to stderr, prefixed with cmd, when CHANMUL_MAX_ISA has a
 * value that is not an ISA name (it is then ignored). */
void cli_warn_isa_cap(const char *cmd);

/* "scale,gate": the ops impl covers, into buf. */
const char *cli_covered_ops(const chanmul_impl *impl, char *buf, size_t len);

/* Prints the registered names, for usage errors. */
void cli_print_impl_names(FILE *out);

/* Before any work: 0 when a file can be written at path (paths.h's
 * path_check_output; may_create: its folder may be missing, if it can be made), else
 * EXIT_USAGE after printing "CMD: cannot write FLAG 'path': ..." naming the
 * path or folder at fault. */
int cli_check_output(const char *cmd, const char *flag, const char *path, int may_create);

/* Before allocating for a shape the user gave: 0 when one verifier case of p
 * (verify_case_bytes) plus extra_bytes fits the memory available
 * (sysinfo_memory_available), else EXIT_USAGE after printing both sizes and
 * what limits the memory. */
int cli_check_memory(const char *cmd, const chanmul_problem *p, size_t extra_bytes);

/* The verbs. */
int cmd_list(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_probe(int argc, char **argv);
/* bench, sweep and tune, before they time anything: measures the cache sizes
 * (probe_cli.c) when no probe file for this CPU exists, so that their
 * thresholds and shapes follow the cache the kernels really have. */
int cli_ensure_cache_probe(const char *verb);

#endif
