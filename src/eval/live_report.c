/* live_report.c — live forecasting numbers as JSON, tables and a figure (see live_report.h). */
#include "eval/live_report.h"
#include "util/fileio.h"
#include "report/charts.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void live_report_free(struct live_report *lr)
{
    for (int i = 0; i < lr->n; i++)
        free(lr->rows[i].ath);
    memset(lr, 0, sizeof *lr);
}

void live_label(float window_s, char *buf, size_t cap)
{
    if (fmodf(window_s, 60) == 0) /* whole minutes: "calibrated 10 min"; else seconds, not "0.0166667 min" */
        snprintf(buf, cap, "calibrated %g min", window_s / 60);
    else
        snprintf(buf, cap, "calibrated %g s", window_s);
}

static void kv_metrics(struct jw *j, const char *key, const struct metric_acc *a)
{
    jw_key(j, key);
    jw_obj_begin(j);
    jw_kv_num(j, "mae", metric_mae(a));
    jw_kv_num(j, "rmse", metric_rmse(a));
    jw_obj_end(j);
}

static int asked_count(const struct live_report *lr)
{
    int n = 0;
    for (int i = 0; i < lr->n; i++)
        n += lr->rows[i].asked;
    return n;
}

void live_trust_json(struct jw *j, const char *prefix, const struct calib_trust *t)
{
    char key[48];
    snprintf(key, sizeof key, "%swarm_s", prefix);
    jw_kv_num(j, key, t->warm_s);
    snprintf(key, sizeof key, "%sk_steps", prefix);
    jw_kv_num(j, key, t->k >= CALIB_NEVER ? -1 : t->k);
    snprintf(key, sizeof key, "%stail_s", prefix);
    jw_kv_num(j, key, t->tail_s);
    snprintf(key, sizeof key, "%spersist", prefix);
    jw_kv_num(j, key, rint(1e4 * t->persist) / 1e4); /* 0.4, not 0.4000000059 */
    snprintf(key, sizeof key, "%stau_s", prefix);
    jw_kv_num(j, key, t->tau_s);
}

/* learned_on of a default trust: "not learned: " + calib_default_source(knows) + " (as predict --calibrate)". */
static void kv_default_source(struct jw *j, const char *key, int knows)
{
    char text[128];
    snprintf(text, sizeof text, "not learned: %s (as predict --calibrate)", calib_default_source(knows));
    jw_kv_str(j, key, text);
}

static void row_json(struct jw *j, const struct live_report *lr, const struct live_row *r, int with_split)
{
    char label[48];
    jw_obj_begin(j);
    if (with_split)
        jw_kv_str(j, "split", lr->split);
    jw_kv_num(j, "calibrate_s", r->window_s);
    if (!with_split)
        jw_kv_bool(j, "asked", r->asked);
    live_label(r->window_s, label, sizeof label);
    jw_kv_str(j, "label", label);
    jw_kv_num(j, "mae", metric_mae(&r->cal));
    jw_kv_num(j, "rmse", metric_rmse(&r->cal));
    jw_kv_int(j, "workouts", r->workouts);
    jw_kv_int(j, "steps", r->cal.n);
    kv_metrics(j, "uncalibrated", &r->unc);
    jw_key(j, "baselines");
    jw_obj_begin(j);
    kv_metrics(j, "physio", &r->physio);
    kv_metrics(j, "window_mean", &r->wmean);
    kv_metrics(j, "last", &r->last);
    jw_obj_end(j);
    jw_key(j, "trust");
    jw_obj_begin(j);
    const char *learned = lr->trust_athlete[0] ? "validation part of the split (the athlete's own workouts)"
                          : lr->one_athlete     ? "validation part of the split (every athlete)"
                                                : "validation part of the split";
    if (lr->trust_default) {
        kv_default_source(j, "learned_on", lr->trust_personal);
        kv_default_source(j, "physio_learned_on", lr->physio_trust_personal);
    } else {
        jw_kv_str(j, "learned_on", learned);
    }
    jw_kv_int(j, "validation_workouts", lr->n_val);
    live_trust_json(j, "", &r->trust);
    live_trust_json(j, "physio_", &r->physio_trust);
    jw_obj_end(j);
    jw_key(j, "athletes");
    jw_arr_begin(j);
    for (int a = 0; a < r->n_ath; a++) {
        jw_obj_begin(j);
        jw_kv_str(j, "athlete", r->ath[a].name);
        jw_kv_num(j, "mae", metric_mae(&r->ath[a].cal));
        jw_kv_num(j, "uncalibrated_mae", metric_mae(&r->ath[a].unc));
        jw_obj_end(j);
    }
    jw_arr_end(j);
    jw_obj_end(j);
}

void live_report_json(struct jw *j, const struct live_report *lr, int all)
{
    int many = all || asked_count(lr) > 1;
    if (many) {
        jw_obj_begin(j);
        jw_kv_str(j, "split", lr->split);
        jw_key(j, "calibrated");
        jw_arr_begin(j);
    }
    for (int i = 0; i < lr->n; i++)
        if (all || lr->rows[i].asked)
            row_json(j, lr, &lr->rows[i], !many);
    if (many) {
        jw_arr_end(j);
        jw_obj_end(j);
    }
}

void live_trust_source(const struct live_report *lr, char *buf, size_t cap)
{
    if (lr->trust_default)
        snprintf(buf, cap, "%s, as predict --calibrate (nothing learned)", calib_default_source(lr->trust_personal));
    else
        snprintf(buf, cap, "learned on %d validation workouts", lr->n_val);
}

static void table_rows(FILE *f, const struct live_report *lr, int asked_only)
{
    fprintf(f, "| | model | uncalibrated | physio calibrated | window_mean | last |\n|---|---|---|---|---|---|\n");
    for (int i = 0; i < lr->n; i++) {
        const struct live_row *r = &lr->rows[i];
        if (asked_only && !r->asked)
            continue;
        char label[48];
        live_label(r->window_s, label, sizeof label);
        if (r->cal.n == 0) { /* no test run goes on past the window: nothing to score (was "nan") */
            fprintf(f, "| %s | - | - | - | - | - |\n", label);
            continue;
        }
        fprintf(f, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |\n", label, metric_mae(&r->cal), metric_mae(&r->unc),
                metric_mae(&r->physio), metric_mae(&r->wmean), metric_mae(&r->last));
    }
}

void live_report_table(FILE *f, const struct live_report *lr)
{
    char how[96];
    live_trust_source(lr, how, sizeof how);
    fprintf(f, "live forecasting on %s (%d workouts; trust: %s); errors over the steps after the window only\n\n",
            lr->split, lr->n_test, how);
    table_rows(f, lr, 1);
    fprintf(f, "\nMAE in bpm over the steps at t >= the window; the offset is the mean residual over the steps "
               "the trust counts (after a warm-up, or the window's last seconds), shrunk by a prior of k steps.%s\n",
            live_report_empty_rows(lr, 1) ? " -: no test workout goes on past that window." : "");
}

int live_report_empty_rows(const struct live_report *lr, int asked_only)
{
    int n = 0;
    for (int i = 0; i < lr->n; i++)
        n += (!asked_only || lr->rows[i].asked) && lr->rows[i].cal.n == 0;
    return n;
}

void live_report_markdown(FILE *f, const struct live_report *lr)
{
    char how[96];
    live_trust_source(lr, how, sizeof how);
    fprintf(f, "\n## Live forecasting (calibrated on each run's first minutes)\n\n"
               "A separate task from the tables above, not comparable with them: the recorded HR of each run's "
               "first W minutes calibrates the prediction of the rest (docs/live.md), and every error counts only "
               "the steps at t >= W, the same steps for the model, the model uncalibrated, the physiological "
               "baseline calibrated the same way, the window's mean HR held (`window_mean`) and its last HR held "
               "(`last`). Split `%s`: %d test workouts; the trust in the window: %s. MAE in bpm.\n\n",
            lr->split, lr->n_test, how);
    table_rows(f, lr, 0);
    if (live_report_empty_rows(lr, 0))
        fprintf(f, "\n-: no test workout goes on past that window.\n");
    fprintf(f, "\n| window | steps after it | workouts | trust (model) | trust (physio) |\n|---|---|---|---|---|\n");
    for (int i = 0; i < lr->n; i++) {
        const struct live_row *r = &lr->rows[i];
        char label[48], tm[96], tp[96];
        live_label(r->window_s, label, sizeof label);
        calib_trust_text(&r->trust, tm, sizeof tm);
        calib_trust_text(&r->physio_trust, tp, sizeof tp);
        fprintf(f, "| %s | %lld | %d | %s | %s |\n", label, r->cal.n, r->workouts, tm, tp);
    }
    fprintf(f, "\nFigure: `%s` (MAE against calibration minutes).\n", LIVE_FIGURE);
}

int live_report_figure(const char *dir, const struct live_report *lr, struct hr_err *e)
{
    enum { NS = 5 };
    float *x = malloc(sizeof(float) * (size_t)(lr->n + 1) * (NS + 1));
    if (!x)
        return hr_fail(e, "eval: out of memory");
    float *y = x + lr->n + 1;
    static const char *const names[NS] = {"model calibrated", "model uncalibrated", "physio calibrated",
                                          "window_mean", "last"};
    static const uint32_t colors[NS] = {0xd62728u, 0x7f7f7fu, 0x2ca02cu, 0x1f77b4u, 0x9467bdu};
    struct xy_series s[NS];
    for (int i = 0; i < lr->n; i++) {
        const struct live_row *r = &lr->rows[i];
        const struct metric_acc *a[NS] = {&r->cal, &r->unc, &r->physio, &r->wmean, &r->last};
        x[i] = r->window_s / 60;
        for (int k = 0; k < NS; k++)
            y[k * (lr->n + 1) + i] = a[k]->n ? (float)metric_mae(a[k]) : NAN;
    }
    for (int k = 0; k < NS; k++)
        s[k] = (struct xy_series){.x = x, .y = y + k * (lr->n + 1), .n = (size_t)lr->n, .label = names[k],
                                  .color = colors[k], .dashed = k > 0, .marker = 3.5f};
    struct chart_opts o;
    memset(&o, 0, sizeof o);
    char title[200], path[1200];
    snprintf(title, sizeof title, "Live forecasting: MAE after the window (%s, %d workouts)", lr->split, lr->n_test);
    o.title = title;
    o.xlabel = "calibration window (minutes of recorded HR used)";
    o.ylabel = "MAE after the window (bpm)";
    path_join(path, sizeof path, dir, LIVE_FIGURE);
    int rc = plot_xy_lines(s, NS, &o, path, e);
    free(x);
    return rc;
}
