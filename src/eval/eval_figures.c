/* eval_figures.c — the evaluation's pictures, chosen by rule: best, median and worst workout by
 * the model's MAE plus two seeded random ones; density of predicted vs actual; error histogram;
 * per-workout MAE histogram; MAE by minute (model and baselines); calibration; training curve. */
#include "eval/eval_output.h"
#include "util/fileio.h"
#include "eval/live_report.h"
#include "data/splits.h"
#include "report/charts.h"
#include "util/json.h"
#include "util/log.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void add_fig(struct eval_figure *figs, int *n, const char *file, const char *caption)
{
    if (*n >= EVAL_MAX_FIGURES)
        return;
    snprintf(figs[*n].file, sizeof figs[*n].file, "%s", file);
    snprintf(figs[*n].caption, sizeof figs[*n].caption, "%s", caption);
    (*n)++;
}

static int workout_fig(const char *dir, const struct dataset *ds, const struct evaluation *ev, int pos,
                       const char *rule, const char *file, struct eval_figure *figs, int *nfig, struct hr_err *e)
{
    struct series s;
    dataset_series(ds, ev->idx[pos], &s);
    const struct eval_model *m = &ev->m[0];
    char title[256], date[32] = "";
    if (isfinite(s.meta.start_time)) {
        time_t t = (time_t)s.meta.start_time;
        struct tm tm;
        gmtime_r(&t, &tm);
        /* the UTC date, said so: a run at 23:30 in New York is dated the next day (until 2026-12-07 unlabelled) */
        strftime(date, sizeof date, "%Y-%m-%d UTC", &tm);
    }
    snprintf(title, sizeof title, "%s: %s %s - %s MAE %.1f bpm", rule, s.meta.athlete, date, m->name,
             metric_mae(&m->w[pos]));
    struct workout_plot wp = {
        .t = S_TIME(&s), .hr_actual = S_HR(&s), .hr_pred = m->pred[pos],
        .hr_sigma = m->sigma ? m->sigma[pos] : NULL, .speed = S_SPEED(&s),
        .altitude = s.meta.has_alt ? S_ALT(&s) : NULL, .n = (size_t)s.n, .title = title, .pace = 1,
    };
    char path[1200];
    path_join(path, sizeof path, dir, file);
    if (plot_workout(&wp, path, e))
        return -1;
    char cap[256];
    snprintf(cap, sizeof cap, "%s workout by %s MAE (%s%s%s, %.0f min, %s)", rule, m->name, s.meta.athlete,
             date[0] ? ", " : "", date, s.n * s.step / 60.0, intensity_name(ev->intensity[pos]));
    add_fig(figs, nfig, file, cap);
    return 0;
}

static int close_to(double a, double b)
{
    return fabs(a - b) <= 1e-5 * fmax(1.0, fabs(b)); /* the log's numbers were read into floats */
}

/* 1 when the log's lines (epoch ep, validation MAE vm and RMSE vr) are this model's training: an LSTM whose card
 * records its best epoch with that epoch's validation MAE and RMSE, which the log's line for the epoch repeats.
 * MODEL.log.jsonl is found by name only, so it may be another model's (an older LSTM written to the same file
 * name, then replaced by fit-physio). */
static int log_is_models(const char *card_json, const float *ep, const float *vm, const float *vr, int n)
{
    struct json *card = NULL;
    if (!card_json || json_parse(card_json, strlen(card_json), "model", &card, NULL))
        return 0;
    const struct json *tr = json_get(json_get(card, "model"), "training");
    double best = json_get_num(tr, "best_epoch", NAN), mae = json_get_num(tr, "val_mae", NAN),
           rmse = json_get_num(tr, "val_rmse", NAN);
    int ok = 0;
    if (!strcmp(json_get_str(card, "model_type", ""), "lstm") && isfinite(best) && isfinite(mae) && isfinite(rmse))
        for (int i = n - 1; i >= 0 && !ok; i--) /* the last line of that epoch: a resumed run appends */
            if (ep[i] == best)
                ok = close_to(vm[i], mae) && close_to(vr[i], rmse);
    json_free(card);
    return ok;
}

static int training_curve(const char *dir, const char *log_path, const char *card_json, struct eval_figure *figs,
                          int *nfig, struct hr_err *e)
{
    FILE *f = fopen(log_path, "r");
    if (!f)
        return 0;
    float ep[512], tl[512], vm[512];
    int n = 0;
    char line[4096];
    while (n < 512 && fgets(line, sizeof line, f)) {
        struct json *j = NULL;
        if (json_parse(line, strlen(line), log_path, &j, NULL) == 0) {
            ep[n] = (float)json_get_num(j, "epoch", NAN);
            tl[n] = (float)json_get_num(j, "val_rmse", NAN);
            vm[n] = (float)json_get_num(j, "val_mae", NAN);
            n++;
        }
        json_free(j);
    }
    fclose(f);
    if (n == 0)
        return 0;
    if (!log_is_models(card_json, ep, vm, tl, n)) {
        hr_warn("%s is not this model's training log (its card's best epoch and validation error are not in it): "
                "no training curve", log_path);
        return 0;
    }
    struct xy_series s[2] = {
        {.x = ep, .y = vm, .n = (size_t)n, .label = "validation MAE", .marker = 3},
        {.x = ep, .y = tl, .n = (size_t)n, .label = "validation RMSE", .marker = 3, .dashed = 1},
    };
    struct chart_opts o = {.title = "Training curve", .xlabel = "epoch", .ylabel = "bpm", .x_integer = 1};
    char path[1200];
    path_join(path, sizeof path, dir, "training_curve.png");
    if (plot_xy_lines(s, 2, &o, path, e))
        return -1;
    add_fig(figs, nfig, "training_curve.png", "Validation MAE and RMSE per epoch (from the training log)");
    return 0;
}

int eval_write_figures(const char *dir, const struct dataset *ds, const struct evaluation *ev,
                       const struct eval_context *cx, struct eval_figure *figs, int *n, struct hr_err *e)
{
    *n = 0;
    /* the live figure is not in figs: report.html shows it in its own section */
    if (cx->live && live_report_figure(dir, cx->live, e))
        return -1;
    const struct eval_model *m = &ev->m[0];
    if (ev->nw == 0 || !m->pred)
        return 0;
    int *rank = eval_rank(ev, 0);
    if (!rank)
        return hr_fail(e, "eval: out of memory");
    int valid = 0;
    while (valid < ev->nw && !isnan(metric_mae(&m->w[rank[valid]])))
        valid++;
    int rc = -1;
    if (valid > 0) {
        if (workout_fig(dir, ds, ev, rank[0], "best", "workout_best.png", figs, n, e) ||
            workout_fig(dir, ds, ev, rank[valid / 2], "median", "workout_median.png", figs, n, e) ||
            workout_fig(dir, ds, ev, rank[valid - 1], "worst", "workout_worst.png", figs, n, e))
            goto out;
        uint64_t st = cx->seed ^ 0x5eedull;
        for (int r = 0; r < 2 && valid > 3; r++) {
            char file[64], rule[32];
            snprintf(file, sizeof file, "workout_random%d.png", r + 1);
            snprintf(rule, sizeof rule, "random #%d (seed %llu)", r + 1, (unsigned long long)cx->seed);
            if (workout_fig(dir, ds, ev, rank[splitmix64(&st) % (uint64_t)valid], rule, file, figs, n, e))
                goto out;
        }
    }
    /* pooled predictions and errors */
    size_t total = 0;
    for (int i = 0; i < ev->nw; i++)
        total += (size_t)ds->len[ev->idx[i]];
    float *p = malloc(sizeof(float) * (total + 1)), *a = malloc(sizeof(float) * (total + 1)),
          *err = malloc(sizeof(float) * (total + 1)), *wm = malloc(sizeof(float) * (size_t)(ev->nw + 1));
    if (!p || !a || !err || !wm) {
        free(p); free(a); free(err); free(wm);
        hr_fail(e, "eval: out of memory");
        goto out;
    }
    size_t k = 0;
    for (int i = 0; i < ev->nw; i++) {
        struct series s;
        dataset_series(ds, ev->idx[i], &s);
        for (int t = 0; t < s.n; t++)
            if (isfinite(S_HR(&s)[t])) {
                p[k] = m->pred[i][t];
                a[k] = S_HR(&s)[t];
                err[k] = p[k] - a[k];
                k++;
            }
        wm[i] = (float)metric_mae(&m->w[i]);
    }
    char path[1200], note[256], title[128];
    struct chart_opts o;
    memset(&o, 0, sizeof o);
    snprintf(title, sizeof title, "%s: predicted vs recorded heart rate", m->name);
    snprintf(note, sizeof note, "MAE %.2f bpm\nRMSE %.2f bpm\n%zu steps", metric_mae(&m->all), metric_rmse(&m->all), k);
    o.title = title;
    o.xlabel = "recorded HR (bpm)";
    o.ylabel = "predicted HR (bpm)";
    o.note = note;
    path_join(path, sizeof path, dir, "scatter.png");
    int frc = plot_scatter_density(p, a, k, &o, path, e);
    if (!frc)
        add_fig(figs, n, "scatter.png", "Density of predicted against recorded HR over every valid step");
    memset(&o, 0, sizeof o);
    o.title = "Error per step (predicted - recorded)";
    o.xlabel = "error (bpm)";
    o.ylabel = "steps";
    o.xlo = -50;
    o.xhi = 50;
    path_join(path, sizeof path, dir, "error_hist.png");
    if (!frc && !(frc = plot_histogram(err, k, &o, path, e)))
        add_fig(figs, n, "error_hist.png", "Histogram of the per-step error");
    memset(&o, 0, sizeof o);
    o.title = "MAE per workout";
    o.xlabel = "workout MAE (bpm)";
    o.ylabel = "workouts";
    o.color = 0x2ca02c;
    path_join(path, sizeof path, dir, "workout_mae_hist.png");
    if (!frc && !(frc = plot_histogram(wm, (size_t)ev->nw, &o, path, e)))
        add_fig(figs, n, "workout_mae_hist.png", "Distribution of the per-workout MAE");
    free(p);
    free(a);
    free(err);
    free(wm);
    if (frc)
        goto out;
    /* MAE by minute of workout, every model */
    static float minutes[EVAL_MINUTES];
    float *ys = malloc(sizeof(float) * EVAL_MINUTES * (size_t)ev->n_models);
    struct xy_series xs[EVAL_MAX_MODELS];
    if (!ys) {
        hr_fail(e, "eval: out of memory");
        goto out;
    }
    int last = 0;
    for (int q = 0; q < EVAL_MINUTES; q++) {
        minutes[q] = (float)q + 0.5f;
        if (m->minute[q].n >= 20)
            last = q + 1;
    }
    for (int mk = 0; mk < ev->n_models; mk++) {
        for (int q = 0; q < EVAL_MINUTES; q++)
            ys[mk * EVAL_MINUTES + q] = ev->m[mk].minute[q].n >= 20 ? (float)metric_mae(&ev->m[mk].minute[q]) : NAN;
        xs[mk] = (struct xy_series){.x = minutes, .y = ys + mk * EVAL_MINUTES, .n = (size_t)last,
                                    .label = ev->m[mk].name, .dashed = mk > 0};
    }
    memset(&o, 0, sizeof o);
    o.title = "MAE by minute of workout";
    o.xlabel = "minute";
    o.ylabel = "MAE (bpm)";
    path_join(path, sizeof path, dir, "mae_by_minute.png");
    frc = last > 0 ? plot_xy_lines(xs, ev->n_models, &o, path, e) : 0;
    free(ys);
    if (frc)
        goto out;
    if (last > 0)
        add_fig(figs, n, "mae_by_minute.png", "MAE by minute of workout (minutes with at least 20 steps), model and baselines");
    if (m->has_sigma && m->cover_n) {
        float nom[3] = {0, 0.5f, 0.9f}, obs[3] = {0, (float)m->cover50 / m->cover_n, (float)m->cover90 / m->cover_n};
        float nom2[2] = {0.5f, 0.9f}, obs2[2] = {obs[1], obs[2]};
        (void)nom;
        struct xy_series cs = {.x = nom2, .y = obs2, .n = 2, .label = "observed coverage", .marker = 4};
        memset(&o, 0, sizeof o);
        o.title = "Calibration of the predicted intervals";
        o.xlabel = "nominal coverage";
        o.ylabel = "observed coverage";
        path_join(path, sizeof path, dir, "calibration.png");
        if (plot_calibration(&cs, 1, &o, path, e))
            goto out;
        add_fig(figs, n, "calibration.png", "Share of recorded HR inside the model's 50 % and 90 % intervals");
    }
    if (cx->log_path && training_curve(dir, cx->log_path, cx->model_card_json, figs, n, e))
        goto out;
    rc = 0;
out:
    free(rank);
    return rc;
}
