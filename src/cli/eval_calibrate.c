/* eval_calibrate.c — `hrcast eval ... --calibrate 5m,10m,20m`: live forecasting metrics. For each window W
 * the recorded HR of a run's first W seconds calibrates the prediction of the rest (eval/calibrate.h: the
 * trust is learned on the split's validation part), and every error counts only steps at t >= W: the
 * model calibrated, the same model uncalibrated, the physiological baseline calibrated the same way, the
 * window's mean HR held, and the last HR held, on the same steps. Reported apart from the offline tables. */
#include "cli/eval_calibrate.h"
#include "eval/calibrate.h"
#include "util/json.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ATH 64

struct runs {
    int n;
    struct calib_run *model, *physio;
    float **bufs; /* 2 n malloc'ed prediction arrays */
    char (*athlete)[WK_ATHLETE_LEN];
};

static void runs_free(struct runs *r)
{
    for (int i = 0; r->bufs && i < 2 * r->n; i++)
        free(r->bufs[i]);
    free(r->bufs);
    free(r->model);
    free(r->physio);
    free(r->athlete);
    memset(r, 0, sizeof *r);
}

static int runs_load(const struct dataset *ds, const int *idx, int n, const struct predictor *model,
                     const struct predictor *physio, struct runs *r, struct hr_err *e)
{
    memset(r, 0, sizeof *r);
    r->n = n;
    r->model = calloc((size_t)n + 1, sizeof *r->model);
    r->physio = calloc((size_t)n + 1, sizeof *r->physio);
    r->bufs = calloc(2 * (size_t)n + 1, sizeof *r->bufs);
    r->athlete = calloc((size_t)n + 1, sizeof *r->athlete);
    if (!r->model || !r->physio || !r->bufs || !r->athlete)
        return hr_fail(e, "eval: out of memory");
    for (int i = 0; i < n; i++) {
        struct series s;
        dataset_series(ds, idx[i], &s);
        float *a = malloc(sizeof(float) * (size_t)(s.n + 1)), *b = malloc(sizeof(float) * (size_t)(s.n + 1));
        r->bufs[2 * i] = a;
        r->bufs[2 * i + 1] = b;
        if (!a || !b)
            return hr_fail(e, "eval: out of memory");
        if (predictor_predict(model, &s, a, NULL, e) || predictor_predict(physio, &s, b, NULL, e))
            return -1;
        r->model[i] = (struct calib_run){a, S_HR(&s), s.n};
        r->physio[i] = (struct calib_run){b, S_HR(&s), s.n};
        snprintf(r->athlete[i], sizeof r->athlete[i], "%s", s.meta.athlete);
    }
    return 0;
}

/* A held value as a prediction: the model's own where the window had no valid HR. */
static void add_held(struct metric_acc *acc, const struct calib_run *r, float step, float w, float v)
{
    if (isnan(v)) {
        calib_add(acc, r, step, w, 0.0f);
        return;
    }
    int a = (int)ceilf(w / step - 1e-4f);
    for (int i = a; i < r->n; i++)
        metric_add(acc, &v, &r->rec[i], 1);
}

static void kv_metrics(struct jw *j, const char *key, const struct metric_acc *a)
{
    if (key)
        jw_key(j, key);
    jw_obj_begin(j);
    jw_kv_num(j, "mae", metric_mae(a));
    jw_kv_num(j, "rmse", metric_rmse(a));
    jw_obj_end(j);
}

int eval_calibrated(const struct dataset *ds, int kind, int part, const char *split_name,
                    const struct predictor *model, const struct predictor *physio, const float *windows, int nwin,
                    int json, FILE *out, struct hr_err *e)
{
    if (kind < 0 || part != PART_TEST)
        return hr_fail(e, "--calibrate needs a test split (athlete:test or chrono:test): the trust in the "
                          "window is learned on its validation part");
    int nt = 0, nv = 0, rc = -1;
    int *it = dataset_select(ds, (enum split_kind)kind, PART_TEST, &nt);
    int *iv = dataset_select(ds, (enum split_kind)kind, PART_VAL, &nv);
    struct runs test, val;
    memset(&test, 0, sizeof test);
    memset(&val, 0, sizeof val);
    if (!it || !iv || nt == 0 || nv == 0) {
        hr_fail(e, "--calibrate: the %s split has %d test and %d validation workouts; it needs both", split_name,
                nt, nv);
        goto out;
    }
    if (runs_load(ds, it, nt, model, physio, &test, e) || runs_load(ds, iv, nv, model, physio, &val, e))
        goto out;
    float step = ds->step;
    struct jw j;
    if (json) {
        jw_init_file(&j, out, 1);
        if (nwin > 1) {
            jw_obj_begin(&j);
            jw_kv_str(&j, "split", split_name);
            jw_key(&j, "calibrated");
            jw_arr_begin(&j);
        }
    } else {
        fprintf(out, "live forecasting on %s (%d workouts; trust learned on %d validation workouts); errors over the "
                     "steps after the window only\n\n| | model | uncalibrated | physio calibrated | window_mean | last |\n"
                     "|---|---|---|---|---|---|\n", split_name, nt, nv);
    }
    for (int wi = 0; wi < nwin; wi++) {
        float w = windows[wi];
        struct calib_trust tm = calib_learn(val.model, nv, step, w), tp = calib_learn(val.physio, nv, step, w);
        struct metric_acc cal, unc, phy, wmean, last, acal[MAX_ATH], aunc[MAX_ATH];
        char ath[MAX_ATH][WK_ATHLETE_LEN];
        int na = 0;
        metric_reset(&cal), metric_reset(&unc), metric_reset(&phy), metric_reset(&wmean), metric_reset(&last);
        int used = 0;
        for (int i = 0; i < nt; i++) {
            const struct calib_run *r = &test.model[i];
            long long before = cal.n;
            calib_add(&cal, r, step, w, calib_offset(r, step, w, &tm));
            calib_add(&unc, r, step, w, 0.0f);
            calib_add(&phy, &test.physio[i], step, w, calib_offset(&test.physio[i], step, w, &tp));
            add_held(&wmean, r, step, w, calib_window_mean(r, step, w));
            add_held(&last, r, step, w, calib_last(r, step, w));
            used += cal.n > before;
            int a = 0;
            while (a < na && strcmp(ath[a], test.athlete[i]))
                a++;
            if (a == na && na < MAX_ATH) {
                snprintf(ath[na], sizeof ath[na], "%s", test.athlete[i]);
                metric_reset(&acal[na]);
                metric_reset(&aunc[na]);
                na++;
            }
            if (a < na) {
                calib_add(&acal[a], r, step, w, calib_offset(r, step, w, &tm));
                calib_add(&aunc[a], r, step, w, 0.0f);
            }
        }
        if (json) {
            jw_obj_begin(&j);
            if (nwin == 1)
                jw_kv_str(&j, "split", split_name);
            jw_kv_num(&j, "calibrate_s", w);
            char label[48];
            snprintf(label, sizeof label, "calibrated %g min", w / 60);
            jw_kv_str(&j, "label", label);
            jw_kv_num(&j, "mae", metric_mae(&cal));
            jw_kv_num(&j, "rmse", metric_rmse(&cal));
            jw_kv_int(&j, "workouts", used);
            jw_kv_int(&j, "steps", cal.n);
            kv_metrics(&j, "uncalibrated", &unc);
            jw_key(&j, "baselines");
            jw_obj_begin(&j);
            kv_metrics(&j, "physio", &phy);
            kv_metrics(&j, "window_mean", &wmean);
            kv_metrics(&j, "last", &last);
            jw_obj_end(&j);
            jw_key(&j, "trust");
            jw_obj_begin(&j);
            jw_kv_str(&j, "learned_on", "validation part of the split");
            jw_kv_int(&j, "validation_workouts", nv);
            jw_kv_num(&j, "warm_s", tm.warm_s);
            jw_kv_num(&j, "k_steps", tm.k >= CALIB_NEVER ? -1 : tm.k);
            jw_kv_num(&j, "physio_warm_s", tp.warm_s);
            jw_kv_num(&j, "physio_k_steps", tp.k >= CALIB_NEVER ? -1 : tp.k);
            jw_obj_end(&j);
            jw_key(&j, "athletes");
            jw_arr_begin(&j);
            for (int a = 0; a < na; a++) {
                jw_obj_begin(&j);
                jw_kv_str(&j, "athlete", ath[a]);
                jw_kv_num(&j, "mae", metric_mae(&acal[a]));
                jw_kv_num(&j, "uncalibrated_mae", metric_mae(&aunc[a]));
                jw_obj_end(&j);
            }
            jw_arr_end(&j);
            jw_obj_end(&j);
        } else {
            fprintf(out, "| calibrated %g min | %.2f | %.2f | %.2f | %.2f | %.2f |\n", w / 60, metric_mae(&cal),
                    metric_mae(&unc), metric_mae(&phy), metric_mae(&wmean), metric_mae(&last));
        }
    }
    if (json) {
        if (nwin > 1) {
            jw_arr_end(&j);
            jw_obj_end(&j);
        }
        fputc('\n', out);
    } else {
        fprintf(out, "\nMAE in bpm over the steps at t >= the window; trust (warm-up ignored, prior strength) learned "
                     "on the validation part; k = never: the window is not trusted.\n");
    }
    rc = 0;
out:
    runs_free(&test);
    runs_free(&val);
    free(it);
    free(iv);
    return rc;
}

int parse_windows(const char *text, float *out, int cap)
{
    return calib_parse_windows(text, out, cap);
}

int cli_calib_window(const char *cmd, const char *text, float *window)
{
    if (parse_windows(text, window, 1) == 1)
        return 0;
    fprintf(stderr, "hrcast %s: --calibrate: '%s' is not one window like 10m or 600s\n", cmd, text);
    return 2;
}

int cli_calib_trust(const char *cmd, const char *text, struct calib_trust *t)
{
    char tail;
    if (sscanf(text, "%f,%f%c", &t->warm_s, &t->k, &tail) == 2 && t->warm_s >= 0 && t->k >= 0)
        return 0;
    fprintf(stderr, "hrcast %s: --trust: '%s' is not WARM_S,K like 180,10\n", cmd, text);
    return 2;
}
