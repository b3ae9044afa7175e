/* `chanmul list`'s command line, read (verb_args.h): only --help. The verb is
 * cmd_list (list_cli.c). */
#include "verb_args.h"

#include <stdio.h>
#include <string.h>

int list_parse_args(int argc, char **argv, list_args *a)
{
    memset(a, 0, sizeof *a);
    if (argc == 2 && (cli_is_help(argv[1]))) {
        printf("usage: chanmul list\n"
               "  every implementation, whether it runs on this CPU (and why not), the CPU and the\n"
               "  cache sizes reported, measured and in use\n");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "chanmul list: takes no arguments\n");
        return EXIT_USAGE;
    }
    return -1;
}
