/* plot.c — `hrcast plot MODEL FILE -o OUT.png|svg`: a picture of one workout: predicted vs recorded HR with speed/pace and altitude panels. */
#include "cli/commands.h"
#include "cli/onerun.h"

static const char *usage_text =
    "usage: hrcast plot MODEL FILE -o OUT.png [--index N] [--athlete ID] [--gender m|f|u]\n"
    "\n"
    "Draws a picture of one workout: predicted vs recorded HR with speed/pace and altitude panels.\n"
    "FILE is any importable workout file (or a dataset; --index picks the workout).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  the picture (png|svg), written atomically\n"
    "      --index N      which workout of a multi-workout file or dataset (0)\n"
    ONERUN_WHO_HELP
    "  -q, --quiet        no message\n"
    "  -h, --help         this text\n"
    "\n"
    "examples:\n"
    "  hrcast plot model.safetensors run.fit -o run.png\n"
    "  hrcast plot physio.safetensors race.gpx -o race.svg\n"
    "  hrcast plot general.safetensors my-run.fit --athlete runpandas -o my-run.png\n";

int cmd_plot(int argc, char **argv) { return onerun_command(argc, argv, "plot", usage_text, 0); }
