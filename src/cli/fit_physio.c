/* fit_physio.c — `hrcast fit-physio DATASET -o physio.safetensors`: the physiological baseline
 * (population + per-athlete least squares) or the constant baseline, on a stored split's training part. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "data/dataset.h"
#include "data/dataset_id.h"
#include "data/trusted_views.h"
#include "model/constant.h"
#include "model/physio.h"
#include "train/trainer.h"
#include "util/json.h"
#include "util/log.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast fit-physio DATASET -o MODEL.safetensors [--split athlete|chrono] [--population-only]\n"
    "                         [--constant]\n"
    "\n"
    "Fits the physiological baseline  tau dHR/dt = HRss(v, grade, t) - HR  (docs/physio.md) on the\n"
    "training part of a stored split: population parameters, then each athlete's own (pulled toward\n"
    "the population). --constant fits the constant baseline (training mean HR, per athlete when known).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE      model file to write\n"
    "      --split S          athlete or chrono; default: athlete when the dataset has 3 or more\n"
    "                         athletes, else chrono (it says so)\n"
    "      --all              use every workout (no split; `hrcast eval` then refuses this dataset)\n"
    "      --population-only  no per-athlete parameters\n"
    "      --constant         the constant-mean baseline instead\n"
    "  -q, --quiet            only errors\n"
    "  -h, --help             this text\n"
    "\n"
    "examples:\n"
    "  hrcast fit-physio sim.hrd -o physio.safetensors\n"
    "  hrcast fit-physio real.hrd --split chrono -o physio-personal.safetensors\n"
    "  hrcast predict physio.safetensors run.fit\n";

static int cmp_name(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* What a fit cannot tell from the data, said: too few steps with HR for the population (it is fitted anyway,
 * pulled weakly toward the defaults), a gain of 0 or less (faster predicts no higher HR: runs at one pace, or too
 * few), and the athletes left with the population's parameters for want of data (docs/physio.md). */
static void warn_fit(const struct physio_model *pm, const struct series *const *sp, int n,
                     const struct physio_fit_opts *fo)
{
    long valid = 0;
    for (int i = 0; i < n; i++)
        valid += series_valid_hr(sp[i]);
    if (valid < fo->min_valid)
        hr_warn("fit-physio: the population is fitted on %ld steps with heart rate (%.0f min at %.0f s), fewer than "
                "the %d an athlete needs: its parameters are rough", valid, valid * (double)pm->step / 60,
                pm->step, fo->min_valid);
    if (!(pm->pop.gain > 0))
        hr_warn("fit-physio: the population's gain is %.1f bpm per m/s (a faster pace predicts no higher heart "
                "rate): these runs show no effect of pace (too few, at one pace, or not runs)", pm->pop.gain);
    for (int i = 0; i < pm->n_ath; i++)
        if (!(pm->ath[i].p.gain > 0))
            hr_warn("fit-physio: athlete %s: gain %.1f bpm per m/s (a faster pace predicts no higher heart rate): "
                    "these runs show no effect of pace (too few, at one pace, or not runs)", pm->ath[i].id, pm->ath[i].p.gain);
    if (!fo->personal)
        return;
    /* the athletes left with the population's, each counted once: sorted, not compared pairwise (a FitRec import
     * holds 250,000 workouts) */
    const char **left = malloc(sizeof *left * (size_t)(n > 0 ? n : 1));
    if (!left)
        return;
    int nl = 0, skipped = 0;
    for (int i = 0; i < n; i++)
        if (sp[i]->meta.athlete[0] && physio_model_lookup(pm, sp[i]->meta.athlete) == &pm->pop)
            left[nl++] = sp[i]->meta.athlete;
    qsort(left, (size_t)nl, sizeof *left, cmp_name);
    for (int i = 0; i < nl; i++)
        skipped += i == 0 || strcmp(left[i], left[i - 1]) != 0;
    const char *first = nl ? left[0] : "";
    if (skipped)
        hr_info("fit-physio: %d athlete%s with fewer than %d steps with heart rate (%s%s) get%s the population's "
                "parameters", skipped, skipped == 1 ? "" : "s", fo->min_valid, first, skipped > 1 ? ", ..." : "",
                skipped == 1 ? "s" : "");
    free(left);
}

int cmd_fit_physio(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'}, {"split", required_argument, 0, 1},
                                         {"population-only", no_argument, 0, 2}, {"constant", no_argument, 0, 3},
                                         {"all", no_argument, 0, 4},           {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *out = NULL;
    int split = TRAIN_SPLIT_AUTO, personal = 1, constant = 0, all = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 1:
            if (!strcmp(optarg, "athlete"))
                split = SPLIT_ATHLETE;
            else if (!strcmp(optarg, "chrono"))
                split = SPLIT_CHRONO;
            else {
                fprintf(stderr, "hrcast fit-physio: --split: '%s' is not athlete or chrono\n", optarg);
                return 2;
            }
            break;
        case 2: personal = 0; break;
        case 3: constant = 1; break;
        case 4: all = 1; break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_usage(usage_text, 1);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (!out || optind != argc - 1) {
        if (!out)
            fprintf(stderr, "hrcast fit-physio: missing -o MODEL\n");
        return cli_usage(usage_text, 0);
    }
    int bad_out = cli_check_output("fit-physio", out, (const char *const[]){argv[optind]}, 1);
    if (bad_out)
        return bad_out;
    struct dataset ds;
    struct hr_err e = {{0}};
    if (cli_open_dataset("fit-physio", usage_text, argv[optind], &ds))
        return 1;
    char why[400];
    split = train_resolve_split(&ds, split, why, sizeof why);
    if (why[0] && !all)
        hr_info("%s", why);
    int n, n_test = 0;
    if (!all) { /* a split with nothing held out: eval could never score the model (until 2026-12-07 it fitted) */
        int *test = dataset_select(&ds, (enum split_kind)split, PART_TEST, &n_test);
        free(test);
        if (n_test == 0) {
            fprintf(stderr, "hrcast fit-physio: the test part of the %s split of %s is empty (%d workouts): the model "
                            "could not be evaluated; use %s, or --all to fit every workout\n",
                    split == SPLIT_CHRONO ? "chrono" : "athlete", argv[optind], ds.n,
                    split == SPLIT_CHRONO ? "more workouts"
                                          : "--split chrono (each athlete's later workouts are tested)");
            dataset_close(&ds);
            return 1;
        }
    }
    int *idx = dataset_select(&ds, all ? (enum split_kind) - 1 : (enum split_kind)split, PART_TRAIN, &n);
    struct trusted_views tv = {0};
    int rc = 1;
    char *prov = NULL;
    if (!idx) {
        fprintf(stderr, "hrcast fit-physio: out of memory\n");
        goto out;
    }
    /* fitted on the trusted steps, as eval --baselines and the LSTM are (a cadence lock is no heart rate) */
    if (trusted_views_open(&tv, &ds, idx, n, &e)) {
        cli_error("fit-physio", e.msg);
        goto out;
    }
    const struct series **sp = tv.sp;
    struct jw pw;
    jw_init_buf(&pw, 0);
    jw_obj_begin(&pw);
    jw_kv_str(&pw, "dataset", argv[optind]);
    jw_kv_str(&pw, "dataset_description", ds.source_desc);
    dataset_identity_write(&pw, &ds);
    jw_kv_str(&pw, "split", all ? "all" : split == SPLIT_CHRONO ? "chrono" : "athlete");
    jw_kv_int(&pw, "train_workouts", n);
    workout_fingerprints_write(&pw, &ds, idx, n, NULL, 0);
    jw_obj_end(&pw);
    prov = jw_take(&pw, NULL);
    if (!prov) {
        fprintf(stderr, "hrcast fit-physio: out of memory\n");
        goto out;
    }
    if (constant) {
        struct constant_model cm;
        if (constant_model_fit(&cm, sp, n, 1, &e) || constant_model_save(&cm, out, prov, &e)) {
            cli_error("fit-physio", e.msg);
            goto out;
        }
        hr_info("wrote %s: constant baseline %.1f bpm from %d training workouts", out, constant_model_value(&cm, ""), n);
        constant_model_free(&cm);
    } else {
        struct physio_model pm;
        physio_model_init(&pm, ds.step);
        struct physio_fit_opts fo;
        physio_fit_opts_default(&fo);
        fo.personal = personal;
        if (physio_model_fit(&pm, sp, n, &fo, &e) || physio_model_save(&pm, out, prov, &e)) {
            cli_error("fit-physio", e.msg);
            physio_model_free(&pm);
            goto out;
        }
        warn_fit(&pm, sp, n, &fo);
        hr_info("wrote %s: population offset %.1f bpm, gain %.1f bpm/(m/s), tau %.0f s, drift %.1f bpm/h, grade_k "
                "%.2f; %d athlete%s fitted",
                out, pm.pop.offset, pm.pop.gain, pm.pop.tau, pm.pop.drift, pm.pop.grade_k, pm.n_ath,
                pm.n_ath == 1 ? "" : "s");
        physio_model_free(&pm);
    }
    rc = 0;
out:
    free(prov);
    free(idx);
    trusted_views_close(&tv);
    dataset_close(&ds);
    return rc;
}
