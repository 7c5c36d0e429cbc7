/* animate.c — `hrcast animate MODEL FILE -o OUT.gif`: a GIF of the gradual reveal of predicted and recorded HR with the speed panel and a running MAE. */
#include "cli/commands.h"
#include "cli/onerun.h"

static const char *usage_text =
    "usage: hrcast animate MODEL FILE -o OUT.gif [--index N] [--frames N] [--athlete ID] [--gender m|f|u]\n"
    "\n"
    "Draws a GIF of the gradual reveal of predicted and recorded HR with the speed panel and a running MAE.\n"
    "FILE is any importable workout file (or a dataset; --index picks the workout).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  the picture (gif), written atomically\n"
    "      --index N      which workout of a multi-workout file or dataset (0)\n"
    ONERUN_WHO_HELP
    "      --frames N     frames of the reveal (90)\n"
    "  -q, --quiet        no message\n"
    "  -h, --help         this text\n"
    "\n"
    "examples:\n"
    "  hrcast animate model.safetensors run.fit -o run.gif\n"
    "  hrcast animate model.safetensors run.tcx --frames 60 -o run.gif\n";

int cmd_animate(int argc, char **argv) { return onerun_command(argc, argv, "animate", usage_text, 1); }
