/* A user's --shape against the memory this process may still take (cli.h):
 * here, not in options.c, because it needs the verifier's and the machine's
 * facts (verify.c, sysinfo.c), which the option readers (and their fuzz
 * target) do without. */
#include "cli.h"

#include "report_model.h"
#include "shape.h"
#include "sysinfo.h"

#include <stdint.h>
#include <stdio.h>

int cli_check_memory(const char *cmd, const chanmul_problem *p, size_t extra_bytes)
{
    size_t case_bytes = verify_case_bytes(p);
    size_t need = case_bytes > SIZE_MAX - extra_bytes ? SIZE_MAX : case_bytes + extra_bytes;
    char source[64];
    size_t avail = sysinfo_memory_available(source, sizeof source);
    if (need <= avail)
        return 0;
    char shape[192], need_text[32], avail_text[32];
    fprintf(stderr, "%s: shape %s needs %s of memory at once (the operands, the verifier's copies and "
            "expected outputs%s), but %s is available (%s): refused before allocating anything\n",
            cmd, shape_format(p, shape, sizeof shape),
            need == SIZE_MAX ? "more than 16 EiB" : rp_fmt_bytes((double)need, need_text, sizeof need_text),
            extra_bytes ? ", and the buffers timed" : "", rp_fmt_bytes((double)avail, avail_text, sizeof avail_text),
            source);
    return EXIT_USAGE;
}
