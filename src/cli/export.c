/* export.c — `hrcast export` (placeholder). */
#include "cli/commands.h"
#include <stdio.h>

int cmd_export(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "hrcast export: not built yet\n");
    return 1;
}
