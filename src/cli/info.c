/* info.c — `hrcast info` (placeholder). */
#include "cli/commands.h"
#include <stdio.h>

int cmd_info(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "hrcast info: not built yet\n");
    return 1;
}
