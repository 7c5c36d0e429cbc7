/* eval_calibrate.c — `hrcast eval ... --calibrate 5m,10m,20m`: live forecasting metrics. For each window W
 * the recorded HR of a run's first W seconds calibrates the prediction of the rest (eval/calibrate.h: the
 * default trust, or one learned on the split's validation part), and every error counts only steps at t >= W: the
 * model calibrated, the same model uncalibrated, the physiological baseline calibrated the same way, the
 * window's mean HR held, and the last HR held, on the same steps. Reported apart from the offline tables. */
#include "cli/eval_calibrate.h"
#include "eval/calibrate.h"
#include "eval/live_report.h"
#include "util/json.h"
#include "util/log.h"
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
    unsigned char *model_knows, *physio_knows; /* per run: the model knows its runner (predictor_knows_runner) */
    int model_kind, physio_kind; /* over the runs: 0 none known, 1 all, 2 some (calib_default_source) */
};

static void runs_free(struct runs *r)
{
    for (int i = 0; r->bufs && i < 2 * r->n; i++)
        free(r->bufs[i]);
    free(r->bufs);
    free(r->model);
    free(r->physio);
    free(r->athlete);
    free(r->model_knows);
    free(r->physio_knows);
    memset(r, 0, sizeof *r);
}

/* How many of the n runs' models know their runner: 0 none, 1 all, 2 some (calib_default_source). */
static int knows_kind(const unsigned char *knows, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += knows[i];
    return k == 0 ? 0 : k == n ? 1 : 2;
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
    r->model_knows = calloc((size_t)n + 1, 1);
    r->physio_knows = calloc((size_t)n + 1, 1);
    if (!r->model || !r->physio || !r->bufs || !r->athlete || !r->model_knows || !r->physio_knows)
        return hr_fail(e, "eval: out of memory");
    for (int i = 0; i < n; i++) {
        struct series s;
        dataset_series(ds, idx[i], &s);
        float *a = malloc(sizeof(float) * (size_t)(s.n + 1)), *b = malloc(sizeof(float) * (size_t)(s.n + 1));
        r->bufs[2 * i] = a;
        r->bufs[2 * i + 1] = b;
        if (!a || !b)
            return hr_fail(e, "eval: out of memory");
        /* the models never see the recorded HR (the window's HR enters only through calibration) */
        if (predictor_predict_blind(model, &s, a, NULL, e) || predictor_predict_blind(physio, &s, b, NULL, e))
            return -1;
        r->model[i] = (struct calib_run){a, S_HR(&s), s.n};
        r->physio[i] = (struct calib_run){b, S_HR(&s), s.n};
        snprintf(r->athlete[i], sizeof r->athlete[i], "%s", s.meta.athlete);
        r->model_knows[i] = (unsigned char)predictor_knows_runner(model, s.meta.athlete);
        r->physio_knows[i] = (unsigned char)predictor_knows_runner(physio, s.meta.athlete);
    }
    r->model_kind = knows_kind(r->model_knows, n);
    r->physio_kind = knows_kind(r->physio_knows, n);
    return 0;
}

/* A held value as a prediction: the model's own where the window had no valid HR. */
static void add_held(struct metric_acc *acc, const struct calib_run *r, float step, float w, float v)
{
    if (isnan(v)) {
        calib_add(acc, r, step, w, 0.0f, NULL);
        return;
    }
    int a = (int)ceilf(w / step - 1e-4f);
    for (int i = a; i < r->n; i++)
        metric_add(acc, &v, &r->rec[i], 1);
}

/* One window's row: the trust (learned on the validation runs; when val is NULL each run's default, that of a
 * model that knows the runner or of a general one, the physio baseline's by its own model; the row reports
 * the personal default when every run has it, else the general one), then every accumulator over the test
 * runs' steps after the window. */
static int window_row(const struct runs *test, const struct runs *val, float step, struct live_row *row,
                      struct hr_err *e)
{
    float w = row->window_s;
    row->trust = val ? calib_learn(val->model, val->n, step, w) : calib_default_trust(test->model_kind == 1);
    row->physio_trust = val ? calib_learn(val->physio, val->n, step, w) : calib_default_trust(test->physio_kind == 1);
    metric_reset(&row->cal), metric_reset(&row->unc), metric_reset(&row->physio), metric_reset(&row->wmean),
        metric_reset(&row->last);
    row->ath = calloc(MAX_ATH, sizeof *row->ath);
    if (!row->ath)
        return hr_fail(e, "eval: out of memory");
    for (int i = 0; i < test->n; i++) {
        const struct calib_run *r = &test->model[i];
        long long before = row->cal.n;
        struct calib_trust tm = val ? row->trust : calib_default_trust(test->model_knows[i]);
        struct calib_trust tp = val ? row->physio_trust : calib_default_trust(test->physio_knows[i]);
        float off = calib_offset(r, step, w, &tm);
        calib_add(&row->cal, r, step, w, off, &tm);
        calib_add(&row->unc, r, step, w, 0.0f, NULL);
        calib_add(&row->physio, &test->physio[i], step, w, calib_offset(&test->physio[i], step, w, &tp), &tp);
        add_held(&row->wmean, r, step, w, calib_window_mean(r, step, w));
        add_held(&row->last, r, step, w, calib_last(r, step, w));
        row->workouts += row->cal.n > before;
        int a = 0;
        while (a < row->n_ath && strcmp(row->ath[a].name, test->athlete[i]))
            a++;
        if (a == row->n_ath && row->n_ath < MAX_ATH) {
            snprintf(row->ath[a].name, sizeof row->ath[a].name, "%s", test->athlete[i]);
            metric_reset(&row->ath[a].cal);
            metric_reset(&row->ath[a].unc);
            row->n_ath++;
        }
        if (a < row->n_ath) {
            calib_add(&row->ath[a].cal, r, step, w, off, &tm);
            calib_add(&row->ath[a].unc, r, step, w, 0.0f, NULL);
        }
    }
    return 0;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* How many of idx[0..n) belong to athlete a. */
static int count_athlete(const struct dataset *ds, const int *idx, int n, const char *a)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += !strcmp(ds->meta[idx[i]].athlete, a);
    return k;
}

/* Keeps the indices of idx[0..n) whose athlete is a (all of them when a is NULL); returns the new count. */
static int keep_athlete(const struct dataset *ds, int *idx, int n, const char *a)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (!a || !strcmp(ds->meta[idx[i]].athlete, a))
            idx[k++] = idx[i];
    return k;
}

int eval_live(const struct dataset *ds, const struct predictor *model, const struct predictor *physio,
              const struct eval_calib_opts *o, const float *sweep, int nsweep, struct live_report *lr,
              struct hr_err *e)
{
    int kind = o->kind, part = o->part, nwin = o->nwin;
    const char *split_name = o->split_name;
    const float *windows = o->windows;
    memset(lr, 0, sizeof *lr);
    if (kind < 0 || part != PART_TEST)
        return hr_fail(e, "--calibrate needs a test split (athlete:test or chrono:test): the trust in the "
                          "window is learned on its validation part");
    /* the windows asked, then the sweep's others, in increasing order */
    float all[LIVE_MAX_WINDOWS];
    int n = 0;
    for (int i = 0; i < nwin + nsweep; i++) {
        float w = i < nwin ? windows[i] : sweep[i - nwin];
        int dup = 0;
        for (int k = 0; k < n; k++)
            dup |= fabsf(all[k] - w) < 1e-3f;
        if (!dup && n < LIVE_MAX_WINDOWS)
            all[n++] = w;
    }
    qsort(all, (size_t)n, sizeof *all, cmp_float);
    int nt = 0, nv = 0, rc = -1;
    int *it = dataset_select(ds, (enum split_kind)kind, PART_TEST, &nt);
    int *iv = dataset_select(ds, (enum split_kind)kind, PART_VAL, &nv);
    struct runs test, val;
    memset(&test, 0, sizeof test);
    memset(&val, 0, sizeof val);
    int learn = o->trust_on != TRUST_ON_DEFAULT;
    if (!it || !iv || nt == 0 || (learn && nv == 0)) {
        hr_fail(e, "--calibrate: the %s split has %d test and %d validation workouts; it needs %s", split_name,
                nt, nv, learn ? "both (the trust is learned on the validation part)" : "test workouts");
        goto out;
    }
    nt = keep_athlete(ds, it, nt, o->athlete);
    if (nt == 0) {
        hr_fail(e, "--calibrate: the %s split has no test workout of athlete '%s'", split_name, o->athlete);
        goto out;
    }
    int own = 0;
    if (o->trust_on == TRUST_ON_ATHLETE && o->athlete) {
        int nv_own = count_athlete(ds, iv, nv, o->athlete);
        if (nv_own >= CALIB_TRUST_OWN_MIN) {
            nv = keep_athlete(ds, iv, nv, o->athlete);
            own = 1;
        } else {
            hr_warn("--trust-on athlete: %s has %d validation workouts in the %s split (fewer than %d): the trust "
                    "is learned on the whole validation part", o->athlete, nv_own, split_name, CALIB_TRUST_OWN_MIN);
        }
    }
    if (runs_load(ds, it, nt, model, physio, &test, e) || (learn && runs_load(ds, iv, nv, model, physio, &val, e)))
        goto out;
    lr->one_athlete = o->athlete != NULL;
    lr->trust_default = !learn;
    lr->trust_personal = test.model_kind;
    lr->physio_trust_personal = test.physio_kind;
    if (own)
        snprintf(lr->trust_athlete, sizeof lr->trust_athlete, "%s", o->athlete);
    snprintf(lr->split, sizeof lr->split, "%s", split_name);
    lr->n_test = nt;
    lr->n_val = learn ? nv : 0;
    for (int i = 0; i < n; i++) {
        struct live_row *row = &lr->rows[lr->n++];
        row->window_s = all[i];
        for (int k = 0; k < nwin; k++)
            row->asked |= fabsf(windows[k] - all[i]) < 1e-3f;
        if (window_row(&test, learn ? &val : NULL, ds->step, row, e))
            goto out;
    }
    rc = 0;
out:
    if (rc)
        live_report_free(lr);
    runs_free(&test);
    runs_free(&val);
    free(it);
    free(iv);
    return rc;
}

void eval_live_print(const struct live_report *lr, int json, FILE *out)
{
    if (json) {
        struct jw j;
        jw_init_file(&j, out, 1);
        live_report_json(&j, lr, 0);
        fputc('\n', out);
    } else {
        live_report_table(out, lr);
    }
}

int eval_calibrated(const struct dataset *ds, const struct predictor *model, const struct predictor *physio,
                    const struct eval_calib_opts *o, FILE *out, struct hr_err *e)
{
    struct live_report *lr = malloc(sizeof *lr);
    if (!lr)
        return hr_fail(e, "eval: out of memory");
    if (eval_live(ds, model, physio, o, NULL, 0, lr, e)) {
        free(lr);
        return -1;
    }
    eval_live_print(lr, o->json, out);
    int empty = live_report_empty_rows(lr, 1) == o->nwin;
    live_report_free(lr);
    free(lr);
    return empty ? hr_fail(e, "no test workout goes on past the window%s asked: nothing was scored", o->nwin > 1 ? "s" : "")
                 : 0;
}

int parse_windows(const char *text, float *out, int cap)
{
    return calib_parse_windows(text, out, cap);
}

int cli_calib_window(const char *cmd, const char *text, float *window)
{
    if (parse_windows(text, window, 1) == 1)
        return 0;
    fprintf(stderr, "hrcast %s: --calibrate: '%s' is not one window like 10m or 600s (at most 7 days)\n", cmd, text);
    return 2;
}

int cli_calib_trust(const char *cmd, const char *text, struct calib_trust *t)
{
    if (!calib_parse_trust(text, t))
        return 0;
    fprintf(stderr, "hrcast %s: --trust: '%s' is not WARM_S,K[,TAIL_S[,PERSIST,TAU_S]] like 0,0,30,0.4,450, "
                    "0,10,120 or 180,10 (PERSIST in 0..1)\n", cmd, text);
    return 2;
}
