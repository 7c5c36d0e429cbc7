/* replay.c — `hrcast replay MODEL FILE`: replays a recording as if live through the stream (model/stream.h)
 * and prints, every minute, the HR predicted now, the forecast 10 minutes ahead and at the finish (the rest
 * of the recording's speeds and altitudes as the plan), next to what was recorded; with --calibrate W the
 * HR of the first W calibrates every forecast made after it (eval/calibrate.h); --gif draws the first
 * workout's forecasts as an animation (report/anim_forecast.h). */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "cli/eval_calibrate.h"
#include "data/runs.h"
#include "eval/calibrate.h"
#include "model/stream.h"
#include "nn/kernels.h"
#include "report/anim_forecast.h"
#include "util/csv_field.h"
#include "util/log.h"
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast replay MODEL FILE [--every S] [--ahead S] [--calibrate W] [--trust WARM,K[,...]]\n"
    "                          [--gif OUT.gif]\n"
    "\n"
    "Replays each workout of FILE as if live: its grid steps are pushed one by one into a stream\n"
    "(docs/live.md) and every --every seconds (60) a CSV row gives the HR predicted now, the forecast\n"
    "--ahead seconds later (600) and at the finish (the rest of the recording's speeds and altitudes as\n"
    "the plan), with the recorded HR at those times. --calibrate W: from W on, the forecasts are shifted by\n"
    "the day's offset estimated on the first W, fading with the time since W (trust as in predict:\n"
    "--trust WARM_S,K[,TAIL_S[,PERSIST,TAU_S]], default 0,0,30,0.4,450 when the model knows the runner: the\n"
    "window's last 30 s, fading to 40 % with a time constant of 450 s; 0,0,30,0.8,150 for a general one).\n"
    "--gif OUT.gif animates the first workout: at each row's moment, the HR recorded so far, the forecast\n"
    "for the rest of the run and the HR still to come (the window shaded when calibrated); the CSV is\n"
    "printed as well.\n"
    "\n"
    "options:\n"
    "      --every S      seconds between rows (60)\n"
    "      --ahead S      forecast horizon (600); both are multiples of the model's grid step (10 s by\n"
    "                     default): another value is rounded to the nearest, with a warning\n"
    "      --calibrate W  window of recorded HR used to calibrate (5m, 600s); none by default\n"
    "      --trust WARM,K[,TAIL[,PERSIST,TAU]]  warm-up seconds ignored, prior strength in steps,\n"
    "                     with TAIL only the window's last TAIL seconds count, and the shift fades to\n"
    "                     PERSIST of it with a time constant of TAU seconds (0,0,30,0.4,450 when\n"
    "                     the model knows the runner, 0,0,30,0.8,150 for a general one)\n"
    "      --athlete ID   replay as this athlete, as hrcast predict --athlete does (an athlete the model\n"
    "                     does not know is refused); without it, each workout's own (a dataset names\n"
    "                     one), or for a file that names none a finetuned model's own runner\n"
    "      --gif FILE     the forecast evolving over the first workout, as an animated GIF\n"
    "      --frames N     at most N frames in the GIF (120; rows are then taken evenly)\n"
    "  -q, --quiet        no summary lines\n"
    "  -h, --help         this text\n"
    "\n"
    "examples:\n"
    "  hrcast replay model.safetensors race.fit\n"
    "  hrcast replay model.safetensors race.fit --calibrate 10m --every 300\n"
    "  hrcast replay model.safetensors race.fit --calibrate 10m --gif race.gif > race.csv\n";

static float at(const float *v, int n, int k) { return k >= 0 && k < n ? v[k] : NAN; }

/* The moments of one replay, kept for --gif: now[m] and the n forecasts of each (NaN before now). */
struct moments {
    int cap, count;
    int *now;
    float *fc;
};

static int moments_add(struct moments *g, int n, int known, const float *fc, int rest)
{
    if (!g)
        return 0;
    if (g->count == g->cap) {
        int cap = g->cap ? 2 * g->cap : 64;
        int *now = realloc(g->now, sizeof(int) * (size_t)cap);
        if (!now)
            return -1;
        g->now = now;
        float *f = realloc(g->fc, sizeof(float) * (size_t)cap * (size_t)n);
        if (!f)
            return -1;
        g->fc = f;
        g->cap = cap;
    }
    float *row = g->fc + (size_t)g->count * (size_t)n;
    for (int i = 0; i < n; i++)
        row[i] = i >= known && i - known < rest && fc ? fc[i - known] : NAN;
    g->now[g->count++] = known;
    return 0;
}

/* The rows and the horizon fall on the model's grid: a value between grid steps is rounded to the nearest
 * (at least one step), and a warning says what is used. */
static void grid_multiple(const char *option, double *seconds, float step)
{
    long k = lround(*seconds / step);
    double used = (double)(k < 1 ? 1 : k) * step;
    if (fabs(used - *seconds) > 1e-6 * used)
        hr_warn("%s %g s is not a multiple of the model's %g s grid step: %g s is used", option, *seconds, step,
                used);
    *seconds = used;
}

static int replay_one(const struct predictor *p, const struct series *s, int wi, double every, double ahead,
                      float window, const struct calib_trust *trust, struct moments *gif, struct hr_err *e)
{
    struct hr_stream *st = hr_stream_open(p, s->meta.gender, s->meta.athlete, (float)(s->n * s->step / 3600.0 + 0.1), e);
    float *pred = malloc(sizeof(float) * (size_t)(2 * s->n + 2));
    if (!st || !pred) {
        hr_stream_free(st);
        free(pred);
        return st ? hr_fail(e, "out of memory") : -1;
    }
    float *fc = pred + s->n + 1;
    int every_k = (int)lroundf(every / s->step), ahead_k = (int)lroundf(ahead / s->step), wk = 0;
    every_k = every_k < 1 ? 1 : every_k;
    float offset = 0;
    int offset_steps = 0;
    for (int k = 0; k < s->n; k++) {
        if (hr_stream_push(st, S_TIME(s)[k], S_SPEED(s)[k], S_ALT(s)[k], S_HR(s)[k], e)) {
            hr_stream_free(st);
            free(pred);
            return -1;
        }
        int n = k + 1;
        if (window > 0 && !wk && n * s->step >= window - 1e-3f) { /* the window is complete: fix the offset */
            hr_stream_predict(st, pred, NULL, NULL, NULL);
            struct calib_run cr = {pred, S_HR(s), n};
            offset = calib_offset(&cr, s->step, window, trust);
            offset_steps = calib_offset_steps(&cr, s->step, window, trust);
            wk = n;
        }
        if (k % every_k || k == s->n - 1)
            continue;
        /* the shift fades with the time since the window (calib_shift); step i is at i x step */
        float now = hr_stream_now(st) + (wk ? calib_shift(trust, offset, (float)k * s->step - window) : 0.0f);
        int rest = s->n - n, have = 0;
        float f_ahead = NAN, f_end = NAN;
        if (rest > 0 && hr_stream_forecast(st, S_SPEED(s) + n, S_ALT(s) + n, rest, fc, e) == 0) {
            for (int j = 0; j < rest && wk; j++)
                fc[j] += calib_shift(trust, offset, (float)(n + j) * s->step - window);
            f_ahead = at(fc, rest, ahead_k - 1);
            f_end = fc[rest - 1];
            have = 1;
        }
        if (moments_add(gif, s->n, n, have ? fc : NULL, rest)) {
            hr_stream_free(st);
            free(pred);
            return hr_fail(e, "out of memory");
        }
        printf("%d,", wi);
        csv_field(stdout, s->meta.source);
        printf(",%g,%s,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f\n", S_TIME(s)[k], wk ? "1" : "0",
               S_HR(s)[k], now, at(S_HR(s), s->n, k + ahead_k), f_ahead, S_HR(s)[s->n - 1], f_end);
    }
    char tt[160];
    calib_trust_text(trust, tt, sizeof tt);
    if (window > 0 && !wk) /* said nothing, and no row was calibrated */
        hr_warn("%s: the run (%d steps of %g s) is not longer than the window of %g s: nothing after it to "
                "calibrate", s->meta.source, s->n, s->step, window);
    else if (wk && offset_steps == 0 && trust->k < CALIB_NEVER) /* said "offset +0.0" */
        hr_warn("%s: no recorded HR in the part of the first %g s that the trust counts (%s): not calibrated "
                "(offset 0); --trust 0,0 counts the whole window", s->meta.source, window, tt);
    else if (wk)
        hr_info("%s: calibrated on the first %g s (trust: %s): offset %+.1f bpm", s->meta.source, window, tt, offset);
    hr_stream_free(st);
    free(pred);
    return 0;
}

int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {{"every", required_argument, 0, 1}, {"ahead", required_argument, 0, 2},
                                         {"calibrate", required_argument, 0, 3}, {"trust", required_argument, 0, 4},
                                         {"gif", required_argument, 0, 5},     {"frames", required_argument, 0, 6},
                                         {"athlete", required_argument, 0, 7},
                                         {"quiet", no_argument, 0, 'q'},       {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    double every = 60, ahead = 600;
    const char *gif_path = NULL, *athlete = NULL;
    long frames = 0;
    float window = 0;
    struct calib_trust trust = {0};
    int trust_given = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 1: if (cli_float("replay", "--every", optarg, 1, 86400, &every)) return 2; break;
        case 2: if (cli_float("replay", "--ahead", optarg, 1, 86400, &ahead)) return 2; break;
        case 3: if (cli_calib_window("replay", optarg, &window)) return 2; break;
        case 4: if (cli_calib_trust("replay", optarg, &trust)) return 2; trust_given = 1; break;
        case 5: gif_path = optarg; break;
        case 6: if (cli_int("replay", "--frames", optarg, 1, 1000, &frames)) return 2; break;
        case 7: athlete = optarg; break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_usage(usage_text, 1);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (argc - optind != 2)
        return cli_usage(usage_text, 0);
    if (frames && !gif_path) {
        fprintf(stderr, "hrcast replay: --frames sets the frames of the animation: give --gif OUT.gif with it\n");
        return 2;
    }
    nn_set_threads(1);
    struct predictor p;
    struct hr_err e = {{0}};
    if (predictor_load(argv[optind], &p, &e)) {
        fprintf(stderr, "hrcast replay: %s\n", e.msg);
        return 1;
    }
    int rc = athlete ? cli_check_model_athlete("replay", &p, argv[optind], athlete) : 0;
    if (rc) {
        predictor_free(&p);
        return rc;
    }
    grid_multiple("--every", &every, p.step);
    grid_multiple("--ahead", &ahead, p.step);
    struct run_list runs;
    if (load_runs(argv[optind + 1], p.step, NULL, &runs, &e)) {
        fprintf(stderr, "hrcast replay: %s\n", e.msg);
        if (runs.no_time)
            cli_planned_route_hint("replay", argv[optind], argv[optind + 1]);
        predictor_free(&p);
        return 1;
    }
    printf("workout,source,time_s,calibrated,hr_recorded,hr_pred_now,hr_recorded_ahead,hr_forecast_ahead,"
           "hr_recorded_finish,hr_forecast_finish\n");
    struct other_runner other = {0}; /* a finetuned model's runs under another name: until 2026-12-07 silent */
    for (int i = 0; i < runs.n; i++) {
        if (athlete)
            snprintf(runs.s[i].meta.athlete, sizeof runs.s[i].meta.athlete, "%s", athlete);
        else
            cli_other_runner_add(&other, &p, predictor_runner(&p, runs.s[i].meta.athlete));
    }
    cli_other_runner_warn(&other, &p, argv[optind], "runs given", "--athlete");
    struct moments mo = {0, 0, NULL, NULL};
    for (int i = 0; i < runs.n && !rc; i++) {
        /* unless given, the default of a model that knows this runner already, or of a general one */
        struct calib_trust tw =
            trust_given ? trust : calib_default_trust(predictor_knows_runner(&p, runs.s[i].meta.athlete));
        if (replay_one(&p, &runs.s[i], i, every, ahead, window, &tw, gif_path && i == 0 ? &mo : NULL, &e)) {
            fprintf(stderr, "hrcast replay: %s: %s\n", runs.s[i].meta.source, e.msg);
            rc = 1;
        }
    }
    if (!rc && gif_path) {
        const struct series *s = &runs.s[0];
        if (runs.n > 1)
            hr_warn("replay: --gif animates the first of the %d workouts of %s", runs.n, argv[optind + 1]);
        struct forecast_anim fa = {.t = S_TIME(s), .hr_actual = S_HR(s), .n = s->n, .moments = mo.count,
                                   .now = mo.now, .forecast = mo.fc, .window_s = window,
                                   .title = strrchr(s->meta.source, '/') ? strrchr(s->meta.source, '/') + 1 : s->meta.source};
        struct anim_opts ao = {.frames = (int)frames};
        if (mo.count < 1) {
            fprintf(stderr, "hrcast replay: %s: the run is too short for a forecast to animate\n", s->meta.source);
            rc = 1;
        } else {
            int drawn = animate_forecast(&fa, &ao, gif_path, &e);
            if (drawn < 0) {
                fprintf(stderr, "hrcast replay: %s\n", e.msg);
                rc = 1;
            } else
                hr_info("replay: wrote %s (%d frames of %d moments)", gif_path, drawn, mo.count);
        }
    }
    free(mo.now);
    free(mo.fc);
    run_list_free(&runs);
    predictor_free(&p);
    return rc;
}
