/* test_eval.c — metrics against hand-computed values (masks, empty workouts), quantiles, bootstrap
 * determinism, and evaluate() on a small dataset with a constant predictor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "eval/evaluate.h"
#include "eval/metrics.h"
#include "model/constant.h"
#include "testutil.h"

static void test_masked_global_metrics(void **state)
{
    (void)state;
    float pred[] = {100, 110, 120, 130};
    float act[] = {101, NAN, 117, 130};
    struct metric_acc a, b;
    metric_reset(&a);
    assert_int_equal(metric_add(&a, pred, act, 4), 3);
    assert_float_equal(metric_mae(&a), (1 + 3 + 0) / 3.0, 1e-12);
    assert_float_equal(metric_rmse(&a), sqrt((1 + 9 + 0) / 3.0), 1e-12);
    assert_float_equal(metric_bias(&a), (-1 + 3 + 0) / 3.0, 1e-12);
    /* global, not the mean of per-batch values: a second batch of 1 step with error 10 */
    float p2[] = {150}, a2[] = {140};
    metric_reset(&b);
    metric_add(&b, p2, a2, 1);
    metric_merge(&a, &b);
    assert_float_equal(metric_mae(&a), (1 + 3 + 0 + 10) / 4.0, 1e-12);
    /* an empty workout adds nothing and an empty accumulator is NaN */
    float nan1[] = {NAN};
    metric_reset(&b);
    assert_int_equal(metric_add(&b, p2, nan1, 1), 0);
    assert_true(isnan(metric_mae(&b)));
    double v[] = {4, 1, NAN, 3, 2};
    assert_float_equal(quantile(v, 5, 0.5), 2.5, 1e-12);
    assert_float_equal(quantile(v, 5, 0.0), 1.0, 1e-12);
    assert_float_equal(quantile(v, 5, 1.0), 4.0, 1e-12);
}

/* A dataset of 3 athletes x 4 workouts with known HR; the constant predictor predicts 150. */
static char *make_dataset(char *dir)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/e.hrd", dir);
    struct hr_err e;
    struct dataset_writer *w = dataset_writer_open(path, 10.0f, &e);
    assert_non_null(w);
    const char *names[] = {"a", "b", "c"};
    for (int a = 0; a < 3; a++)
        for (int j = 0; j < 4; j++) {
            struct series s;
            int n = 30 + 10 * j;
            assert_int_equal(series_alloc(&s, n, 10.0f), 0);
            for (int t = 0; t < n; t++) {
                S_SPEED(&s)[t] = 3.0f;
                S_HR(&s)[t] = (t % 5 == 0) ? NAN : 140.0f + (float)a * 5.0f; /* errors 10, 5, 0 */
            }
            snprintf(s.meta.athlete, sizeof s.meta.athlete, "%s", names[a]);
            s.meta.start_time = 1e9 + j * 86400.0;
            assert_int_equal(dataset_writer_add(w, &s, &e), 0);
            series_free(&s);
        }
    assert_int_equal(dataset_writer_finish(w, 3, &e), 0);
    return path;
}

static void test_evaluate_constant(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    const char *path = make_dataset(dir);
    struct dataset ds;
    struct hr_err e;
    assert_int_equal(dataset_open(path, &ds, &e), 0);
    /* a constant model whose value is 150 everywhere */
    struct constant_model cm;
    memset(&cm, 0, sizeof cm);
    cm.step = 10.0f;
    cm.mean = 150.0f;
    cm.sd = 10.0f;
    struct predictor p;
    assert_int_equal(constant_predictor_from_model(&cm, &p, &e), 0);
    int n;
    int *idx = dataset_select(&ds, (enum split_kind)-1, PART_TRAIN, &n);
    assert_int_equal(n, 12);
    const struct predictor *pp[1] = {&p};
    const char *names[1] = {"constant"};
    struct evaluation ev;
    assert_int_equal(evaluate(&ds, idx, n, pp, names, 1, 7, 1, &ev, &e), 0);
    /* valid steps per workout: n - ceil(n/5); errors 10, 5, 0 for athletes a, b, c; equal counts */
    assert_float_equal(metric_mae(&ev.m[0].all), 5.0, 1e-9);
    assert_float_equal(metric_rmse(&ev.m[0].all), sqrt((100.0 + 25.0 + 0.0) / 3.0), 1e-9);
    assert_float_equal(metric_bias(&ev.m[0].all), 5.0, 1e-9);
    assert_int_equal(ev.n_athletes, 3);
    assert_float_equal(metric_mae(&ev.m[0].athlete[0]), 10.0, 1e-9);
    assert_float_equal(metric_mae(&ev.m[0].athlete[2]), 0.0, 1e-9);
    assert_float_equal(ev.m[0].wmae_median, 5.0, 1e-9);
    assert_true(ev.m[0].mae_lo <= 5.0 && ev.m[0].mae_hi >= 5.0 && ev.m[0].mae_lo < ev.m[0].mae_hi);
    /* the same seed gives the same interval */
    struct evaluation ev2;
    assert_int_equal(evaluate(&ds, idx, n, pp, names, 1, 7, 0, &ev2, &e), 0);
    assert_true(ev.m[0].mae_lo == ev2.m[0].mae_lo && ev.m[0].mae_hi == ev2.m[0].mae_hi);
    /* the ranking puts athlete c's workouts (MAE 0) first */
    int *rank = eval_rank(&ev, 0);
    assert_string_equal(ds.meta[ev.idx[rank[0]]].athlete, "c");
    assert_string_equal(ds.meta[ev.idx[rank[11]]].athlete, "a");
    /* constant speed: every workout is "steady" */
    assert_int_equal(ev.m[0].intensity[INT_STEADY].n, ev.steps);
    free(rank);
    evaluation_free(&ev);
    evaluation_free(&ev2);
    free(idx);
    predictor_free(&p);
    dataset_close(&ds);
    remove_temp_dir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_masked_global_metrics),
        cmocka_unit_test(test_evaluate_constant),
    };
    return cmocka_run_group_tests_name("eval", tests, NULL, NULL);
}
