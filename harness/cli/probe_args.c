/* `chanmul probe`'s command line, read (verb_args.h): only --help. The verb is
 * cmd_probe (probe_cli.c). */
#include "verb_args.h"

#include <stdio.h>
#include <string.h>

int probe_parse_args(int argc, char **argv, probe_args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        if (cli_is_help(argv[i])) {
            printf("usage: chanmul probe\n"
                   "  measures one core's bandwidth over working sets from 64 KiB to past the LLC,\n"
                   "  prints the curve and the effective L2 and LLC sizes read off it, and writes them\n"
                   "  to the probe file the library reads ($CHANMUL_CACHE_PROBE, else\n"
                   "  $XDG_CACHE_HOME/chanmul/caches.json, else ~/.cache/chanmul/caches.json)\n");
            return 0;
        }
        fprintf(stderr, "chanmul probe: unknown option '%s' (see chanmul probe --help)\n", argv[i]);
        return EXIT_USAGE;
    }
    return -1;
}
