/* test_recent_form.c — unit tests of src/model/recent_form.c (the runner's recent form): the rule on a
 * hand-built history (the last 3 runs of the 7 days before, averaged with 3 runs' worth of zero; other
 * runners, later runs, the run itself and older runs left out; a planned run without a time; runs without
 * times), the runner's HR scale from their runs for a scaled model that does not know them (pooled mean and
 * sd, the shift against the scaled prediction, not for a known runner nor on too little HR), the measurement
 * of a real constant model on hand-built series (trusted steps only, the model never sees the HR, too little
 * HR counted as nothing), the wrapped predictor (base + shift, per runner) and the run predicted given again
 * as an earlier run (runs without times: its key keeps it out; eval's wrapper gives an untimed run nothing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/hr_issue.h"
#include "model/constant.h"
#include "model/recent_form.h"

#define DAY 86400.0

/* The shift alone (a model without an HR scale); *used (may be NULL): its runs. */
static float form_shift(const struct form_history *h, const char *athlete, double start_time, int *used)
{
    struct form_use u;
    form_use(h, NULL, athlete, start_time, 0, &u);
    if (used)
        *used = u.runs;
    return u.shift;
}

/* One earlier run: n steps of 10 s, HR of mean `hr` and sd `sd`, the model's prediction `pred` throughout. */
static void add_run(struct form_history *h, const char *athlete, double start, float hr, float sd, float pred, int n)
{
    struct form_run r;
    memset(&r, 0, sizeof r);
    snprintf(r.athlete, sizeof r.athlete, "%s", athlete);
    r.start_time = start;
    r.step = 10.0f;
    r.n = n;
    r.hr_sum = (double)n * hr;
    r.hr_sq = (double)n * ((double)hr * hr + (double)sd * sd);
    r.pred_sum = (double)n * pred;
    assert_int_equal(form_history_add(h, &r), 0);
}

static void test_rule(void **state)
{
    (void)state;
    struct form_history h;
    form_history_init(&h);
    /* ann: day 0 .. 4, residuals 1, 2, 4, 8, 16; bob: day 4.5, residual 100 */
    for (int d = 0; d < 5; d++)
        add_run(&h, "ann", 1e9 + d * DAY, 150.0f + (float)(1 << d), 5.0f, 150.0f, 60);
    add_run(&h, "bob", 1e9 + 4.5 * DAY, 240.0f, 5.0f, 140.0f, 60);
    int used = -1;
    /* day 5: ann's last three (4 + 8 + 16) / (3 + 3) */
    assert_float_equal(form_shift(&h, "ann", 1e9 + 5 * DAY, &used), 28.0 / 6.0, 1e-5);
    assert_int_equal(used, 3);
    /* day 3 exactly: runs that started before it only (days 0, 1, 2), never the run itself */
    assert_float_equal(form_shift(&h, "ann", 1e9 + 3 * DAY, &used), 7.0 / 6.0, 1e-5);
    assert_int_equal(used, 3);
    /* day 1.5: two runs (days 0 and 1): (1 + 2) / (2 + 3) */
    assert_float_equal(form_shift(&h, "ann", 1e9 + 1.5 * DAY, &used), 3.0 / 5.0, 1e-5);
    assert_int_equal(used, 2);
    /* day 10.5: only day 4 is within 7 days: 16 / 4 */
    assert_float_equal(form_shift(&h, "ann", 1e9 + 10.5 * DAY, &used), 4.0, 1e-5);
    assert_int_equal(used, 1);
    /* day 12: nothing within 7 days */
    assert_float_equal(form_shift(&h, "ann", 1e9 + 12 * DAY, &used), 0.0, 0);
    assert_int_equal(used, 0);
    /* before every run, an unknown runner */
    assert_float_equal(form_shift(&h, "ann", 1e9 - 1, &used), 0.0, 0);
    assert_int_equal(used, 0);
    assert_float_equal(form_shift(&h, "cy", 1e9 + 5 * DAY, &used), 0.0, 0);
    assert_int_equal(used, 0);
    /* bob's own run only */
    assert_float_equal(form_shift(&h, "bob", 1e9 + 5 * DAY, &used), 25.0, 1e-5);
    assert_int_equal(used, 1);
    /* no name: every runner's runs count (days 3, 4 and bob's 4.5) */
    assert_float_equal(form_shift(&h, "", 1e9 + 5 * DAY, &used), 124.0 / 6.0, 1e-5);
    assert_int_equal(used, 3);
    /* a planned run (no time): after ann's latest run */
    assert_float_equal(form_shift(&h, "ann", NAN, &used), 28.0 / 6.0, 1e-5);
    assert_int_equal(used, 3);
    assert_float_equal(form_shift(&h, "ann", 1e9 + 5 * DAY, NULL), 28.0 / 6.0, 1e-5);
    form_history_free(&h);
    assert_int_equal(h.n, 0);

    /* runs without times count for a planned run, the last three given */
    for (int k = 0; k < 4; k++)
        add_run(&h, "", NAN, 140.0f + (float)(k + 1) * 3.0f, 5.0f, 140.0f, 60);
    assert_float_equal(form_shift(&h, "", NAN, &used), (6.0 + 9.0 + 12.0) / 6.0, 1e-5);
    assert_int_equal(used, 3);
    /* ... but not for a run with a time (no order to them) */
    assert_float_equal(form_shift(&h, "", 1e9, &used), 0.0, 0);
    assert_int_equal(used, 0);
    form_history_free(&h);
}

/* A model with an HR scale that does not know the runner takes their mean and sd from their earlier runs
 * (pooled over the runs' steps), and the shift is then measured against the scaled prediction; a model that
 * knows them, or too little HR, keeps the model's. */
static void test_scale_from_runs(void **state)
{
    (void)state;
    struct hr_scale sc;
    hr_scale_init(&sc);
    sc.on = 1;
    sc.pop_mean = 150.0f;
    sc.pop_sd = 15.0f;
    struct form_history h;
    form_history_init(&h);
    add_run(&h, "ann", 1e9, 140.0f, 20.0f, 150.0f, 300);       /* 50 min each: 100 min in all */
    add_run(&h, "ann", 1e9 + DAY, 180.0f, 20.0f, 150.0f, 300);
    add_run(&h, "bob", 1e9 + DAY, 100.0f, 5.0f, 150.0f, 3000); /* someone else's: never counts for ann */
    struct form_use u;
    form_use(&h, &sc, "ann", 1e9 + 2 * DAY, 0, &u);
    assert_int_equal(u.scaled, 1);
    assert_int_equal(u.scale_runs, 2);
    assert_float_equal(u.mean, 160.0, 1e-3);
    assert_float_equal(u.sd, sqrt(800.0), 1e-3); /* 20^2 within each run + 20^2 between them */
    /* the scaled prediction is 160 on both runs: residuals -20 and +20, shift 0 */
    assert_int_equal(u.runs, 2);
    assert_float_equal(u.shift, 0.0, 1e-4);
    float hr[2] = {165.0f, 150.0f}, sigma[2] = {3.0f, 3.0f};
    form_apply(&u, &sc, hr, sigma, 2);
    assert_float_equal(hr[0], 160.0 + sqrt(800.0), 1e-3);
    assert_float_equal(hr[1], 160.0, 1e-3);
    assert_float_equal(sigma[0], 3.0 * sqrt(800.0) / 15.0, 1e-4);
    /* before the second run: the first alone (50 min) is not enough HR for a scale; shift -> pred 150 */
    form_use(&h, &sc, "ann", 1e9 + DAY, 0, &u);
    assert_int_equal(u.scaled, 0);
    assert_int_equal(u.scale_runs, 0);
    assert_int_equal(u.runs, 1);
    assert_float_equal(u.shift, -10.0 / 4.0, 1e-4);
    /* a planned run: after ann's latest */
    form_use(&h, &sc, "ann", NAN, 0, &u);
    assert_int_equal(u.scaled, 1);
    assert_float_equal(u.mean, 160.0, 1e-3);
    /* a model that knows ann: no scale from the runs, the shift against its own prediction (150) */
    assert_int_equal(hr_scale_set(&sc, "ann", 150.0f, 15.0f, 1000), 0);
    form_use(&h, &sc, "ann", 1e9 + 2 * DAY, 0, &u);
    assert_int_equal(u.scaled, 0);
    assert_float_equal(u.shift, 20.0 / 5.0, 1e-4);
    hr[0] = 165.0f;
    form_apply(&u, &sc, hr, NULL, 1);
    assert_float_equal(hr[0], 169.0, 1e-4);
    /* no scale at all (sc NULL): the same */
    form_use(&h, NULL, "ann", 1e9 + 2 * DAY, 0, &u);
    assert_int_equal(u.scaled, 0);
    assert_float_equal(u.shift, 4.0, 1e-4);
    hr_scale_free(&sc);
    form_history_free(&h);
}

/* n steps of 10 s of HR `hr`, the last `flagged` steps spikes at 250 bpm. */
static void make_series(struct series *s, const char *athlete, double start, int n, float hr, int flagged)
{
    assert_int_equal(series_alloc(s, n, 10.0f), 0);
    snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", athlete);
    s->meta.start_time = start;
    for (int t = 0; t < n; t++) {
        S_TIME(s)[t] = 10.0f * t;
        S_SPEED(s)[t] = 3.0f;
        S_HR(s)[t] = t >= n - flagged ? 250.0f : hr;
        s->hr_issue[t] = t >= n - flagged ? HRQ_SPIKE : HRQ_TRUSTED;
    }
}

/* A real constant model fitted on one series of 140 bpm for "ann". */
static void constant_140(struct predictor *p)
{
    struct series fit;
    make_series(&fit, "ann", 0, 200, 140.0f, 0);
    const struct series *v[1] = {&fit};
    struct constant_model m;
    struct hr_err e = {{0}};
    assert_int_equal(constant_model_fit(&m, v, 1, 10, &e), 0);
    assert_int_equal(constant_predictor_from_model(&m, p, &e), 0);
    series_free(&fit);
}

static void test_measure_and_wrap(void **state)
{
    (void)state;
    struct predictor p;
    constant_140(&p);
    struct hr_err e = {{0}};
    struct series run1, run2, short_run, next;
    make_series(&run1, "ann", 1e9, 60, 150.0f, 10);       /* +10 on trusted steps; the spikes left out */
    make_series(&run2, "ann", 1e9 + DAY, 60, 146.0f, 0);  /* +6 */
    make_series(&short_run, "ann", 1e9 + 2 * DAY, 20, 200.0f, 0); /* 200 s of HR: too little */
    make_series(&next, "ann", 1e9 + 3 * DAY, 30, 150.0f, 0);
    struct form_run r1, r2, r3;
    assert_int_equal(form_measure(&p, &run1, &r1, &e), 1);
    assert_int_equal(r1.n, 50); /* the 10 spikes left out */
    assert_float_equal(r1.hr_sum / r1.n - r1.pred_sum / r1.n, 10.0, 1e-4);
    assert_float_equal(r1.hr_sq / r1.n, 150.0 * 150.0, 1e-2);
    assert_string_equal(r1.athlete, "ann");
    assert_float_equal(r1.start_time, 1e9, 0);
    assert_float_equal(S_HR(&run1)[0], 150.0, 0); /* the series itself untouched */
    assert_int_equal(form_measure(&p, &run2, &r2, &e), 1);
    assert_float_equal(r2.hr_sum / r2.n - r2.pred_sum / r2.n, 6.0, 1e-4);
    assert_int_equal(form_measure(&p, &short_run, &r3, &e), 0);

    struct form_history h;
    form_history_init(&h);
    assert_int_equal(form_history_add(&h, &r1), 0);
    assert_int_equal(form_history_add(&h, &r2), 0);
    char *card = p.metadata_json;
    assert_int_equal(form_wrap(&p, &h, 0, &e), 0);
    assert_int_equal(h.n, 0); /* moved into the predictor */
    assert_ptr_equal(p.metadata_json, card);
    assert_string_equal(p.kind, "constant");
    float hr[60];
    assert_int_equal(predictor_predict(&p, &next, hr, NULL, &e), 0);
    for (int t = 0; t < 30; t++)
        assert_float_equal(hr[t], 140.0 + 16.0 / 5.0, 1e-4);
    /* the second run, predicted: only the first counts (10 / 4) */
    assert_int_equal(predictor_predict(&p, &run2, hr, NULL, &e), 0);
    assert_float_equal(hr[0], 140.0 + 2.5, 1e-4);
    /* another runner: no shift (the constant model's population mean is 140 too) */
    snprintf(next.meta.athlete, sizeof next.meta.athlete, "bob");
    assert_int_equal(predictor_predict(&p, &next, hr, NULL, &e), 0);
    assert_float_equal(hr[0], 140.0, 1e-4);
    predictor_free(&p);
    series_free(&run1);
    series_free(&run2);
    series_free(&short_run);
    series_free(&next);
}

/* The same workout among the earlier runs, where start times cannot tell it apart (a file without times given
 * both as the run and as a --recent-form run): the key leaves it out, the other run counts. */
static void test_same_run_left_out(void **state)
{
    (void)state;
    struct predictor p;
    constant_140(&p);
    struct hr_err e = {{0}};
    struct series run_a, copy_a, run_b;
    make_series(&run_a, "ann", NAN, 60, 160.0f, 0); /* +20 */
    make_series(&copy_a, "ann", NAN, 60, 120.0f, 0); /* the same movement, its HR other (hidden, say) */
    make_series(&run_b, "ann", NAN, 60, 148.0f, 0); /* +8 */
    S_SPEED(&run_b)[7] = 3.5f;                     /* another run */
    assert_true(form_series_key(&run_a) == form_series_key(&copy_a)); /* HR is not part of the key */
    assert_true(form_series_key(&run_a) != form_series_key(&run_b));
    assert_true(form_series_key(&run_a) != 0);
    struct form_run ra, rb;
    assert_int_equal(form_measure(&p, &run_a, &ra, &e), 1);
    assert_int_equal(form_measure(&p, &run_b, &rb, &e), 1);
    assert_true(ra.key == form_series_key(&run_a));
    struct form_history h;
    form_history_init(&h);
    assert_int_equal(form_history_add(&h, &ra), 0);
    assert_int_equal(form_history_add(&h, &rb), 0);
    /* the same recording given again (a copy, the same file twice) counts once: it counted twice, and
     * three copies moved the shift three times as far */
    struct form_run again = ra;
    assert_int_equal(form_history_add(&h, &again), 0);
    assert_int_equal(h.n, 2);
    assert_int_equal(h.dups, 1);
    struct form_history other;
    form_history_init(&other);
    struct form_run bob = ra; /* the same movement under another runner's name is that runner's */
    snprintf(bob.athlete, sizeof bob.athlete, "bob");
    assert_int_equal(form_history_add(&other, &ra), 0);
    assert_int_equal(form_history_add(&other, &bob), 0);
    assert_int_equal(other.n, 2);
    assert_int_equal(other.dups, 0);
    form_history_free(&other);
    struct form_use u;
    form_use(&h, NULL, "ann", NAN, form_series_key(&run_a), &u); /* predicting run_a: only run_b counts */
    assert_int_equal(u.runs, 1);
    assert_int_equal(u.same_run, 1);
    assert_float_equal(u.shift, 8.0 / 4.0, 1e-4);
    form_use(&h, NULL, "ann", NAN, 0, &u); /* no key (a course): both */
    assert_int_equal(u.runs, 2);
    assert_int_equal(u.same_run, 0);
    assert_float_equal(u.shift, 28.0 / 5.0, 1e-4);
    form_use(&h, NULL, "bob", NAN, form_series_key(&run_a), &u); /* another runner's run is not this one */
    assert_int_equal(u.same_run, 0);
    /* eval's wrapper (planned 0): a recorded run without a time gets no shift at all */
    assert_int_equal(form_wrap(&p, &h, 0, &e), 0);
    float hr[60];
    assert_int_equal(predictor_predict(&p, &run_b, hr, NULL, &e), 0);
    assert_float_equal(hr[0], 140.0, 1e-4);
    predictor_free(&p);
    series_free(&run_a);
    series_free(&copy_a);
    series_free(&run_b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule),
        cmocka_unit_test(test_scale_from_runs),
        cmocka_unit_test(test_measure_and_wrap),
        cmocka_unit_test(test_same_run_left_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
