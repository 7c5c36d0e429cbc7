/* test_recent_form.c — unit tests of src/model/recent_form.c (the runner's recent form): the rule on a
 * hand-built history (the last 3 runs of the 7 days before, averaged with 3 runs' worth of zero; other
 * runners, later runs, the run itself and older runs left out; a planned run without a time; runs without
 * times), the residual of a real constant model on hand-built series (trusted steps only, the model never
 * sees the HR, too little HR counted as nothing) and the wrapped predictor (base + shift, per runner). */
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

static void test_rule(void **state)
{
    (void)state;
    struct form_history h;
    form_history_init(&h);
    /* ann: day 0 .. 4, residuals 1, 2, 4, 8, 16; bob: day 4.5, residual 100 */
    for (int d = 0; d < 5; d++)
        assert_int_equal(form_history_add(&h, "ann", 1e9 + d * DAY, (float)(1 << d)), 0);
    assert_int_equal(form_history_add(&h, "bob", 1e9 + 4.5 * DAY, 100.0f), 0);
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
        assert_int_equal(form_history_add(&h, "", NAN, (float)(k + 1) * 3.0f), 0);
    assert_float_equal(form_shift(&h, "", NAN, &used), (6.0 + 9.0 + 12.0) / 6.0, 1e-5);
    assert_int_equal(used, 3);
    /* ... but not for a run with a time (no order to them) */
    assert_float_equal(form_shift(&h, "", 1e9, &used), 0.0, 0);
    assert_int_equal(used, 0);
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
    float r = 0;
    assert_int_equal(form_measure(&p, &run1, &r, &e), 1);
    assert_float_equal(r, 10.0, 1e-4);
    assert_float_equal(S_HR(&run1)[0], 150.0, 0); /* the series itself untouched */
    assert_int_equal(form_measure(&p, &run2, &r, &e), 1);
    assert_float_equal(r, 6.0, 1e-4);
    assert_int_equal(form_measure(&p, &short_run, &r, &e), 0);

    struct form_history h;
    form_history_init(&h);
    assert_int_equal(form_history_add(&h, "ann", run1.meta.start_time, 10.0f), 0);
    assert_int_equal(form_history_add(&h, "ann", run2.meta.start_time, 6.0f), 0);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule),
        cmocka_unit_test(test_measure_and_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
