/* demo.c — `hrcast demo`: the whole product on its embedded default, in a few minutes on 2 cores:
 * simulate a cohort, train the LSTM with a fixed time budget, fit the baselines, evaluate on
 * held-out athletes, write out/ (dataset, models, metrics, figures, report.html) and print a table. */
#include "cli/cliutil.h"
#include "util/fileio.h"
#include "cli/commands.h"
#include "data/dataset.h"
#include "util/log.h"
#include "util/progress.h"
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *usage_text =
    "usage: hrcast demo [-o DIR] [--athletes N] [--workouts M] [--time-budget S] [--threads T] [--quick]\n"
    "\n"
    "Simulates a cohort of runners (docs/simulator.md), trains the LSTM for a fixed time budget,\n"
    "fits the constant and physiological baselines, evaluates all three on held-out athletes and\n"
    "writes DIR (default out/): sim.hrd, model.safetensors (+ its training log), physio.safetensors,\n"
    "metrics.json, metrics.md, figures and report.html.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR   where to write (default out)\n"
    "      --athletes N   simulated runners (60)\n"
    "      --workouts M   workouts per runner (20)\n"
    "      --time-budget S  training time budget in seconds (150), as in hrcast train\n"
    "      --threads T    compute threads (2)\n"
    "      --quick        a smoke run: 12 runners x 8 workouts, 20 s of training\n"
    "  -h, --help         this text\n"
    "\n"
    "examples:\n"
    "  hrcast demo\n"
    "  hrcast demo --quick -o /tmp/demo\n";

/* The first held-out runner of the demo's dataset (athlete:test): its name into name, the index of its
 * first workout in the dataset into *index, their gender ('m', 'f', 'u') into *gender; 0 when found. */
static int held_out_runner(const char *ds_path, char *name, size_t cap, int *index, char *gender)
{
    struct dataset ds;
    struct hr_err e = {0};
    if (dataset_open(ds_path, &ds, &e))
        return -1;
    int n = 0, rc = -1;
    int *test = dataset_select(&ds, SPLIT_ATHLETE, PART_TEST, &n);
    if (test && n > 0) {
        snprintf(name, cap, "%s", ds.meta[test[0]].athlete);
        *index = test[0];
        *gender = ds.meta[test[0]].gender;
        rc = 0;
    }
    free(test);
    dataset_close(&ds);
    return rc;
}

/* One recording of the held-out runner `runner` ("sim0002") as a FIT file under dir/sample/ (for the
 * "Next:" line that predicts a file): the simulator draws runner k from the seed and k alone, so
 * simulating the first k runners with the demo's seed gives this runner again (a new workout of theirs,
 * none of which the model trained on). Its path into out, or "" when it could not be written. */
static void sample_recording(const char *dir, const char *runner, char *out, size_t cap)
{
    char emit[1024], ds[1024], ath[1100], k[16];
    out[0] = '\0';
    int num = 0;
    if (sscanf(runner, "sim%d", &num) != 1 || num < 1)
        return;
    snprintf(k, sizeof k, "%d", num);
    path_join(emit, sizeof emit, dir, "sample");
    path_join(ds, sizeof ds, dir, "sample.hrd");
    char *sim[] = {"simulate", "--athletes", k, "--workouts", "1", "--seed", "1", "--emit-files", emit,
                   "-o", ds, "-q", NULL};
    int argc = (int)(sizeof sim / sizeof sim[0]) - 1;
    if (cmd_simulate(argc, sim))
        return;
    path_join(ath, sizeof ath, emit, runner);
    DIR *d = opendir(ath);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strstr(de->d_name, ".fit")) {
            path_join(out, cap, ath, de->d_name);
            break;
        }
    closedir(d);
}

static int run(int (*fn)(int, char **), char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return fn(argc, argv);
}

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'}, {"athletes", required_argument, 0, 1},
                                         {"workouts", required_argument, 0, 2}, {"time-budget", required_argument, 0, 3},
                                         {"budget", required_argument, 0, 3}, /* the old name */
                                         {"threads", required_argument, 0, 4},  {"quick", no_argument, 0, 5},
                                         {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    const char *dir = "out";
    long athletes = 60, workouts = 20, threads = 2;
    double budget = 150;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': dir = optarg; break;
        case 1: if (cli_int("demo", "--athletes", optarg, 3, 100000, &athletes)) return 2; break;
        case 2: if (cli_int("demo", "--workouts", optarg, 2, 100000, &workouts)) return 2; break;
        case 3: if (cli_float("demo", "--time-budget", optarg, 1, 1e7, &budget)) return 2; break;
        case 4: if (cli_int("demo", "--threads", optarg, 1, 256, &threads)) return 2; break;
        case 5: athletes = 12; workouts = 8; budget = 20; break;
        case 'h': return cli_usage(usage_text, 1);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (optind != argc)
        return cli_usage(usage_text, 0);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "hrcast demo: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    double t0 = hr_now_seconds();
    char ds[1024], model[1024], physio[1024], a[32], w[32], b[32], th[32];
    path_join(ds, sizeof ds, dir, "sim.hrd");
    path_join(model, sizeof model, dir, "model.safetensors");
    path_join(physio, sizeof physio, dir, "physio.safetensors");
    snprintf(a, sizeof a, "%ld", athletes);
    snprintf(w, sizeof w, "%ld", workouts);
    snprintf(b, sizeof b, "%g", budget);
    snprintf(th, sizeof th, "%ld", threads);

    hr_info("[1/4] simulating %ld runners x %ld workouts -> %s", athletes, workouts, ds);
    char *sim[] = {"simulate", "--athletes", a, "--workouts", w, "--seed", "1", "-o", ds, NULL};
    if (run(cmd_simulate, sim))
        return 1;
    hr_info("[2/4] training the LSTM (2 x 64, default+pace features, %g s budget) -> %s", budget, model);
    char *train[] = {"train", ds, "-o", model, "--features", "default+pace", "--hidden", "64", "--layers", "2",
                     "--batch", "16", "--lr", "2e-3", "--dropout", "0.2", "--epochs", "60", "--patience", "5",
                     "--time-budget", b, "--hr-scale", "none", /* held-out runners: the scale has nothing */
                     "--threads", th, "--seed", "1", NULL};
    if (run(cmd_train, train))
        return 1;
    hr_info("[3/4] fitting the physiological baseline -> %s", physio);
    char *fit[] = {"fit-physio", ds, "-o", physio, NULL};
    if (run(cmd_fit_physio, fit))
        return 1;
    hr_info("[4/4] evaluating on held-out athletes (athlete:test) with baselines -> %s/report.html", dir);
    fflush(stdout);
    char outdir[1024];
    snprintf(outdir, sizeof outdir, "%s", dir);
    char *ev[] = {"eval", model, ds, "--split", "athlete:test", "--baselines", "--physio", physio, "-o", outdir, NULL};
    if (run(cmd_eval, ev))
        return 1;
    char sample[2300] = "", runner[64] = "", gender = 'u', report[1100];
    int runner_index = -1;
    if (held_out_runner(ds, runner, sizeof runner, &runner_index, &gender) == 0)
        sample_recording(dir, runner, sample, sizeof sample);
    /* every line runs as printed, from where the demo ran: the program as it was invoked
     * (build/hrcast before `make install`), files that exist */
    const char *prog = cli_program();
#ifdef __APPLE__
    const char *opener = "open";
#else
    const char *opener = "xdg-open";
#endif
    printf("\ndemo finished in %.0f s. Next:\n", hr_now_seconds() - t0);
    printf("  %s %s    # the report\n", opener, path_join(report, sizeof report, dir, "report.html"));
    /* a FIT file carries no gender (the writer has no user_profile): given, so that predict sees the run as
     * plot does from the dataset (until 2026-12-07 it was predicted as 'u', another MAE than plot's) */
    if (sample[0])
        printf("  %s predict %s %s --gender %c    # a run of %s, a held-out runner (athlete:test); or any "
               "FIT/GPX/TCX file of yours\n", prog, model, sample, gender == 'm' || gender == 'f' ? gender : 'u',
               runner);
    if (runner_index >= 0)
        printf("  %s plot %s %s --index %d -o run.png    # a picture of a run of %s, held out\n", prog, model, ds,
               runner_index, runner);
    printf("  %s serve %s    # the web page on http://127.0.0.1:8080\n", prog, model);
    return 0;
}
