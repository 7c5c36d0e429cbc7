/* simulate.c — `hrcast simulate`: a cohort of synthetic runners -> a dataset (through the same
 * cleaning as real files) and optionally the raw recordings as FIT/GPX/TCX files. */
#include "cli/cliutil.h"
#include "util/fileio.h"
#include "cli/commands.h"
#include "data/ingest.h"
#include "io/fit_write.h"
#include "io/xml_write.h"
#include "model/physio.h"
#include "sim/sim.h"
#include "util/log.h"
#include "util/progress.h"
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *usage_text =
    "usage: hrcast simulate [--athletes N] [--workouts M] [--seed S] [--artifacts] -o DATASET\n"
    "                       [--like PHYSIO_MODEL] [--emit-files DIR]\n"
    "\n"
    "Simulates N runners (resting/max HR, fitness, HR kinetics, drift, form; docs/simulator.md), each\n"
    "recording M workouts (easy, steady, tempo, intervals, progressive, hills, long, race) with the\n"
    "sensor faults of real files, then cleans and resamples them exactly like `hrcast import`.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE      dataset to write\n"
    "      --athletes N       runners (default 60)\n"
    "      --workouts M       workouts per runner (default 20)\n"
    "      --seed S           seed of everything random (default 1)\n"
    "      --step S           grid step in seconds (default 10)\n"
    "      --artifacts        inject each kind of HR-sensor artifact (cadence_lock, lock_on, dropout,\n"
    "                         stuck, level_shift, spike) at random, each with probability 0.35 per\n"
    "                         workout; the true extent is stored with the dataset (`hrcast info`,\n"
    "                         bench/hr_quality.sh)\n"
    "      --like FILE        runners whose hearts answer pace like the athletes of a physiological\n"
    "                         model (`hrcast fit-physio`): each runner's level, gain, time constant\n"
    "                         and drift are one fitted athlete's, picked at random and jittered\n"
    "                         (docs/simulator.md, \"Runners like real ones\")\n"
    "      --emit-files DIR   also write each raw recording as DIR/<athlete>/<n>-<kind>.{fit,gpx,tcx}\n"
    "                         (formats rotate so that every reader gets realistic files)\n"
    "                         (DIR new or empty, or holding only the files this run writes)\n"
    "  -q, --quiet            only errors\n"
    "  -h, --help             this text\n"
    "\n"
    "examples:\n"
    "  hrcast simulate --athletes 60 --workouts 20 -o sim.hrd\n"
    "  hrcast simulate --athletes 2 --workouts 3 --emit-files runs/ -o small.hrd\n"
    "  hrcast simulate --athletes 10 --workouts 10 --artifacts -o artifacts.hrd\n"
    "  hrcast simulate --athletes 300 --workouts 10 --like physio.safetensors -o like.hrd\n";

/* The fitted athletes of a physiological model file as rows for sim_athlete_like; 0, or -1 after one line on
 * stderr (unreadable, not a physio model, no athlete fitted). */
static int fitted_rows(const char *path, struct sim_fitted_row **rows, int *n)
{
    struct physio_model m;
    struct hr_err e;
    if (physio_model_load(path, &m, &e)) {
        cli_error("simulate", e.msg);
        return -1;
    }
    *n = 0;
    *rows = calloc((size_t)(m.n_ath ? m.n_ath : 1), sizeof **rows);
    if (!*rows) {
        physio_model_free(&m);
        fprintf(stderr, "hrcast simulate: out of memory\n");
        return -1;
    }
    for (int i = 0; i < m.n_ath; i++) {
        const struct physio_params *p = &m.ath[i].p;
        if (p->n_valid > 0) /* rows without a fit of their own hold the population's */
            (*rows)[(*n)++] = (struct sim_fitted_row){p->offset, p->gain, p->tau, p->drift};
    }
    physio_model_free(&m);
    if (*n == 0) {
        fprintf(stderr, "hrcast simulate: %s: no athlete of its own in this physiological model (fit one with "
                        "`hrcast fit-physio DATASET -o FILE`, which fits each athlete)\n", path);
        free(*rows);
        *rows = NULL;
        return -1;
    }
    hr_info("simulate: runners like the %d fitted athlete%s of %s", *n, *n == 1 ? "" : "s", path);
    return 0;
}

/* The name of workout k's file in its athlete's folder of --emit-files. */
static void emitted_name(const struct sim_athlete *ath, int k, char *out, size_t cap)
{
    static const char *ext[3] = {"fit", "gpx", "tcx"};
    snprintf(out, cap, "%03d-%s.%s", k, sim_kind_name(sim_schedule_kind(ath, k)), ext[k % 3]);
}

/* --emit-files into a folder that holds anything this run would not write is refused (exit 2): until
 * 2026-12-07 old and new files were mixed without a word, and an import of the folder read both. A folder
 * holding only files of the same names (the same command run again) is written over. */
static int check_emit_dir(const char *emit, const struct sim_cohort *c, int workouts)
{
    DIR *d = opendir(emit);
    if (!d)
        return 0;
    char bad[1400] = "";
    for (struct dirent *de; !bad[0] && (de = readdir(d)) != NULL;) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        const struct sim_athlete *ath = NULL;
        for (int a = 0; a < c->n && !ath; a++)
            if (!strcmp(c->athletes[a].id, de->d_name))
                ath = &c->athletes[a];
        char sub[1100];
        path_join(sub, sizeof sub, emit, de->d_name);
        DIR *sd = ath ? opendir(sub) : NULL;
        if (!sd) {
            snprintf(bad, sizeof bad, "%s", sub);
            break;
        }
        for (struct dirent *fe; !bad[0] && (fe = readdir(sd)) != NULL;) {
            if (!strcmp(fe->d_name, ".") || !strcmp(fe->d_name, ".."))
                continue;
            int ours = 0;
            for (int k = 0; k < workouts && !ours; k++) {
                char name[256];
                emitted_name(ath, k, name, sizeof name);
                ours = !strcmp(name, fe->d_name);
            }
            if (!ours)
                path_join(bad, sizeof bad, sub, fe->d_name);
        }
        closedir(sd);
    }
    closedir(d);
    if (!bad[0])
        return 0;
    fprintf(stderr, "hrcast simulate: --emit-files %s holds %s, which this run would not write: give an empty or new "
                    "folder\n", emit, bad);
    return 2;
}

int cmd_simulate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"athletes", required_argument, 0, 1},
        {"workouts", required_argument, 0, 2}, {"seed", required_argument, 0, 3},
        {"step", required_argument, 0, 4},     {"emit-files", required_argument, 0, 5},
        {"artifacts", no_argument, 0, 6},      {"like", required_argument, 0, 7},
        {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *out = NULL, *emit = NULL, *like = NULL;
    long athletes = 60, workouts = 20;
    uint64_t seed = 1;
    double step = 10;
    struct sim_options so = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 1: if (cli_int("simulate", "--athletes", optarg, 1, 100000, &athletes)) return 2; break;
        case 2: if (cli_int("simulate", "--workouts", optarg, 1, 100000, &workouts)) return 2; break;
        case 3: if (cli_u64("simulate", "--seed", optarg, &seed)) return 2; break;
        case 4: if (cli_float("simulate", "--step", optarg, DS_STEP_MIN, DS_STEP_MAX, &step)) return 2; break;
        case 5: emit = optarg; break;
        case 6: so.artifacts = 1; break;
        case 7: like = optarg; break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_usage(usage_text, 1);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (!out || optind != argc) {
        if (!out)
            fprintf(stderr, "hrcast simulate: missing -o DATASET\n");
        return cli_usage(usage_text, 0);
    }
    if (emit && mkdir(emit, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "hrcast simulate: %s: %s\n", emit, strerror(errno));
        return 1;
    }
    struct sim_fitted_row *rows = NULL;
    int n_rows = 0;
    if (like && fitted_rows(like, &rows, &n_rows))
        return 1;
    struct sim_cohort cohort;
    int crc = sim_cohort_init_like(&cohort, (int)athletes, seed, rows, n_rows);
    free(rows);
    if (crc) {
        fprintf(stderr, "hrcast simulate: out of memory\n");
        return 1;
    }
    if (emit && (crc = check_emit_dir(emit, &cohort, (int)workouts)) != 0) {
        sim_cohort_free(&cohort);
        return crc;
    }
    struct prep_opts po;
    prep_opts_default(&po);
    po.step = (float)step;
    struct ingest g;
    struct hr_err e;
    if (ingest_open(&g, out, &po, &e)) {
        cli_error("simulate", e.msg);
        sim_cohort_free(&cohort);
        return 1;
    }
    struct workout w;
    workout_init(&w);
    struct progress pb;
    progress_begin(&pb, "simulate", (double)athletes * workouts);
    int rc = 0;
    for (int a = 0; a < cohort.n && !rc; a++) {
        const struct sim_athlete *ath = &cohort.athletes[a];
        char dir[1024];
        if (emit) {
            path_join(dir, sizeof dir, emit, ath->id);
            mkdir(dir, 0755);
        }
        for (int k = 0; k < workouts; k++) {
            enum sim_kind kind = sim_schedule_kind(ath, k);
            if (sim_workout_ex(ath, k, kind, seed, &so, &w, NULL)) {
                fprintf(stderr, "hrcast simulate: simulation of %s #%d failed\n", ath->id, k);
                rc = 1;
                break;
            }
            if (emit) {
                char path[1200], name[256];
                emitted_name(ath, k, name, sizeof name);
                path_join(path, sizeof path, dir, name);
                int wrc = k % 3 == 0 ? fit_write_workout(path, &w, &e)
                                     : xml_write_path(path, k % 3 == 1 ? XML_WRITE_GPX : XML_WRITE_TCX, &w, &e);
                if (wrc) {
                    cli_error("simulate", e.msg);
                    rc = 1;
                    break;
                }
            }
            if (ingest_sink(&g, &w)) {
                fprintf(stderr, "hrcast simulate: %s\n", g.err.msg);
                rc = 1;
                break;
            }
            progress_update(&pb, (double)a * workouts + k + 1, NULL);
        }
    }
    progress_end(&pb);
    workout_free(&w);
    sim_cohort_free(&cohort);
    if (rc) {
        ingest_abort(&g);
        return 1;
    }
    long long accepted = g.st.accepted;
    double hours = g.hours;
    char desc[1400];
    snprintf(desc, sizeof desc, "hrcast simulate --athletes %ld --workouts %ld --seed %llu --step %g%s%s%s",
             athletes, workouts, (unsigned long long)seed, step, so.artifacts ? " --artifacts" : "",
             like ? " --like " : "", like ? like : "");
    if (ingest_finish(&g, seed, desc, &e)) {
        cli_error("simulate", e.msg);
        return 1;
    }
    hr_info("simulated %ld runners x %ld workouts: %lld accepted (%.1f h) into %s", athletes, workouts, accepted,
            hours, out);
    return 0;
}
