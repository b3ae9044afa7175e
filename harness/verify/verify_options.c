/* The verifier's options and data modes by name (verify.h): apart from the
 * verifier itself, so that the command line's reader (harness/cli/verify_args.c)
 * links without it. */
#include "verify.h"

#include <stdio.h>
#include <string.h>

const char *verify_data_name(verify_data d)
{
    switch (d) {
    case VERIFY_DATA_SMALLINT: return "smallint";
    case VERIFY_DATA_RANDOM: return "random";
    case VERIFY_DATA_SPECIAL: return "special";
    case VERIFY_DATA_CANCEL: return "cancel";
    case VERIFY_DATA_NORMAL: return "normal";
    case VERIFY_DATA_COUNT: break;
    }
    return "unknown";
}

int verify_data_parse(const char *text, verify_data *d)
{
    for (int i = 0; i < VERIFY_DATA_COUNT; i++)
        if (text && strcmp(text, verify_data_name((verify_data)i)) == 0) {
            *d = (verify_data)i;
            return 0;
        }
    return -1;
}

void verify_options_init(verify_options *o)
{
    memset(o, 0, sizeof *o);
    o->layout = -1;
    o->threads = -1;
    o->data = -1;
    o->in_place = -1;
    o->op = CHANMUL_OP_SCALE;
    o->include_large = 1;
    o->random_shapes = VERIFY_RANDOM_SHAPES;
    o->shape_seed = VERIFY_SHAPE_SEED;
    o->max_reports = 20;
    o->reports_by_class = 1;
    o->out = stdout;
}
