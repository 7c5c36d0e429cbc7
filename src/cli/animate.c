/* animate.c — `hrcast animate MODEL FILE -o OUT.gif`: a GIF of the gradual reveal of predicted and recorded HR with the speed panel and a running MAE. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "cli/onerun.h"
#include "util/log.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast animate MODEL FILE -o OUT.gif [--index N] [--frames N]\n"
    "\n"
    "Draws a GIF of the gradual reveal of predicted and recorded HR with the speed panel and a running MAE.\n"
    "FILE is any importable workout file (or a dataset; --index picks the workout).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE  the picture (gif), written atomically\n"
    "      --index N      which workout of a multi-workout file or dataset (0)\n"
    "      --frames N     frames of the reveal (90)\n"
    "  -q, --quiet        no message\n"
    "  -h, --help         this text\n"
    "\n"
    "examples:\n"
    "  hrcast animate model.safetensors run.fit -o run.gif\n"
    "  hrcast animate model.safetensors run.tcx --frames 60 -o run.gif\n";

int cmd_animate(int argc, char **argv)
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
        case 1: if (cli_int("animate", "--index", optarg, 0, 100000000, &which)) return 2; break;
        case 2: if (cli_int("animate", "--frames", optarg, 2, 2000, &frames)) return 2; break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_usage(usage_text, 1);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (!out || argc - optind != 2) {
        if (!out)
            fprintf(stderr, "hrcast animate: missing -o OUT\n");
        return cli_usage(usage_text, 0);
    }
    struct onerun r;
    if (onerun_load(&r, "animate", argv[optind], argv[optind + 1], (int)which))
        return 1;
    struct workout_plot wp;
    onerun_plot(&r, &wp);
    struct anim_opts ao = {.frames = (int)frames};
    (void)ao;
    struct hr_err e = {{0}};
    int rc = animate_workout(&wp, &ao, out, &e);
    if (rc)
        fprintf(stderr, "hrcast animate: %s\n", e.msg);
    else
        hr_info("wrote %s (%s)", out, r.title);
    onerun_free(&r);
    return rc ? 1 : 0;
}
