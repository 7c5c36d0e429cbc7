/* import.c — `hrcast import` (placeholder). */
#include "cli/commands.h"
#include <stdio.h>

int cmd_import(int argc, char **argv)
{
    (void)argc; (void)argv;
    fprintf(stderr, "hrcast import: not built yet\n");
    return 1;
}
