/* plot.c — `hrcast plot MODEL FILE -o OUT.png|svg`: a picture of one workout: predicted vs recorded HR with speed/pace and altitude panels. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "cli/onerun.h"
#include "util/log.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast plot MODEL FILE -o OUT.png [--index N]\n"
    "\n"
    "Draws a picture of one workout: predicted vs recorded HR with speed/pace and altitude panels.\n"
    "FILE is any importable workout file (or a dataset; --index picks the workout).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  the picture (png|svg), written atomically\n"
    "      --index N      which workout of a multi-workout file or dataset (0)\n"

    "  -q, --quiet        no message\n"
    "  -h, --help         this text\n"
    "\n"
    "examples:\n"
    "  hrcast plot model.safetensors run.fit -o run.png\n"
    "  hrcast plot physio.safetensors race.gpx -o race.svg\n";

int cmd_plot(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'}, {"index", required_argument, 0, 1},
                                         {"frames", required_argument, 0, 2},   {"help", no_argument, 0, 'h'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {0, 0, 0, 0}};
    const char *out = NULL;
    long which = 0, frames = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 1: if (cli_int("plot", "--index", optarg, 0, 100000000, &which)) return 2; break;
        case 2: if (cli_int("plot", "--frames", optarg, 2, 2000, &frames)) return 2; break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_usage(usage_text, 1);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (!out || argc - optind != 2) {
        if (!out)
            fprintf(stderr, "hrcast plot: missing -o OUT\n");
        return cli_usage(usage_text, 0);
    }
    struct onerun r;
    if (onerun_load(&r, "plot", argv[optind], argv[optind + 1], (int)which))
        return 1;
    struct workout_plot wp;
    onerun_plot(&r, &wp);
    struct anim_opts ao = {.frames = (int)frames};
    (void)ao;
    struct hr_err e = {{0}};
    int rc = plot_workout(&wp, out, &e);
    if (rc)
        fprintf(stderr, "hrcast plot: %s\n", e.msg);
    else
        hr_info("wrote %s (%s)", out, r.title);
    onerun_free(&r);
    return rc ? 1 : 0;
}
