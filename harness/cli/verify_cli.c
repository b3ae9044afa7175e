/* `chanmul verify`: its options (read by verify_args.c), then the verifier (harness/verify). */
#include "cli.h"
#include "plugin.h"
#include "plugin_isolation.h"
#include "shape.h"
#include "sysinfo.h"
#include "verb_args.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- verify ---------------------------------------------------------------------- */

int cmd_verify(int argc, char **argv)
{
    verify_args a;
    int status = verify_parse_args(argc, argv, &a);
    if (status >= 0)
        return status;
    verify_options o = a.o;
    /* one shape, every op asked for: the largest case must fit (the matrix's own shapes are sized to fit) */
    for (int op = 0; o.have_shape && op < CHANMUL_OP_COUNT; op++) {
        chanmul_problem q;
        if ((o.op < 0 || op == o.op) && verify_shape_problem(&o, (chanmul_op)op, &q) == 0 &&
            cli_check_memory("chanmul verify", &q, 0) != 0)
            return EXIT_USAGE;
    }
    cli_warn_isa_cap("chanmul verify");
    verify_target *targets;
    size_t count;
    int rc = cli_targets(a.impl_name, a.plugins, a.plugin_count, o.op, &targets, &count);
    if (rc)
        return rc; /* plugins loaded before the one that failed: freed by main */
    o.targets = targets;
    o.target_count = count;
    verify_counts *per = calloc(count ? count : 1, sizeof *per), total;
    /* plugins each in a child process (plugin_isolation.h), before this process
     * runs any OpenMP region; the built-in implementations here, after */
    isolated_result *iso = calloc(count ? count : 1, sizeof *iso);
    verify_target *own = calloc(count ? count : 1, sizeof *own);
    size_t *own_index = calloc(count ? count : 1, sizeof *own_index);
    verify_counts *own_per = calloc(count ? count : 1, sizeof *own_per);
    if (!per || !iso || !own || !own_index || !own_per) {
        fprintf(stderr, "chanmul verify: out of memory\n");
        free(per), free(iso), free(own), free(own_index), free(own_per);
        cli_targets_free(targets);
        return EXIT_USAGE;
    }
    printf("verify: isa %s, %zu implementation(s), op %s", chanmul_isa_name(chanmul_cpu_isa()), count,
           o.op < 0 ? "all" : chanmul_op_name((chanmul_op)o.op));
    if (!o.have_shape)
        printf(", %d random shapes per op from --shape-seed %llu", o.random_shapes, o.shape_seed);
    printf("\n");
    fflush(stdout);
    int err = 0, isolate = plugin_isolation_enabled();
    size_t own_count = 0;
    for (size_t t = 0; t < count; t++) {
        if (!isolate || !targets[t].plugin_path) {
            own[own_count] = targets[t];
            own_index[own_count++] = t;
            continue;
        }
        if (verify_isolated(&o, &targets[t], &iso[t]) != 0) {
            fprintf(stderr, "chanmul verify: cannot start a process for plugin %s: %s\n", targets[t].impl->name,
                    strerror(errno));
            err = CHANMUL_ENOMEM;
            break;
        }
        per[t] = iso[t].counts;
        if (iso[t].error)
            err = iso[t].error;
        if (isolated_ended(&iso[t]))
            isolated_report(stdout, &targets[t], &iso[t]);
        fflush(stdout);
    }
    if (!err && own_count) {
        verify_options mine = o;
        mine.targets = own;
        mine.target_count = own_count;
        verify_counts own_total;
        err = verify_run(&mine, own_per, &own_total);
        for (size_t k = 0; k < own_count; k++)
            per[own_index[k]] = own_per[k];
    }
    memset(&total, 0, sizeof total);
    for (size_t t = 0; t < count; t++) {
        total.passed += per[t].passed;
        total.failed += per[t].failed;
        total.skipped += per[t].skipped;
        total.mistrusted += per[t].mistrusted;
    }
    for (size_t t = 0; t < count; t++) {
        const char *why = NULL;
        int ok = chanmul_impl_available(targets[t].impl, &why);
        printf("  %-16s %-9s %6ld passed %6ld failed %6ld skipped", targets[t].impl->name,
               chanmul_kind_name(targets[t].impl->kind), per[t].passed, per[t].failed,
               per[t].skipped);
        if (per[t].mistrusted)
            printf(" (%ld mistrusted)", per[t].mistrusted);
        if (!ok)
            printf(" (not available: %s)", why);
        printf("\n");
        if (per[t].failed) { /* (iso[t] is all zero for an implementation that ran here) */
            char text[512];
            printf("    departures: %s\n", isolated_ended(&iso[t]) ? isolated_departures(&iso[t], text, sizeof text)
                                                                  : departures_describe(&per[t].departures, text,
                                                                                        sizeof text));
        }
    }
    free(iso), free(own), free(own_index), free(own_per);
    if (err)
        fprintf(stderr, "chanmul verify: verifier error: %s\n", chanmul_strerror(err));
    /* what the dispatching kernels really ran (the cap is read once, at their first call) */
    char ran[64];
    printf("verify: vector paths run: %s\n", sysinfo_isa_ran(ran, sizeof ran));
    printf("verify: %ld passed, %ld failed, %ld skipped\n", total.passed, total.failed,
           total.skipped);
    free(per);
    cli_targets_free(targets);
    return total.failed > 0 || err ? EXIT_VERDICT : 0;
}

