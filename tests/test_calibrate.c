/* test_calibrate.c — live calibration (eval/calibrate.h): the offset is the shrunk mean residual of the
 * window after the warm-up or over its last seconds; the shift fades with the time since the window; the
 * --trust text; only steps after the window count; the learned trust falls back to "never" (uncalibrated)
 * when the window misleads, holds the offset when it persists and fades it when it fades. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include "eval/calibrate.h"

#define N 200 /* steps of 10 s */

static void fill(float *pred, float *rec, float early, float late)
{
    for (int i = 0; i < N; i++) {
        pred[i] = 140;
        rec[i] = i < 60 ? 140 + early : 140 + late; /* the window is the first 600 s = 60 steps */
    }
}

static void test_offset_and_window(void **state)
{
    (void)state;
    float pred[N], rec[N];
    fill(pred, rec, 10, 10);
    struct calib_run r = {pred, rec, N};
    struct calib_trust t = {0, 0, 0, 1, 0};
    assert_float_equal(calib_offset(&r, 10, 600, &t), 10, 1e-5);
    t.k = 60; /* as many pseudo-steps at 0 as valid steps: half */
    assert_float_equal(calib_offset(&r, 10, 600, &t), 5, 1e-5);
    t.k = CALIB_NEVER;
    assert_float_equal(calib_offset(&r, 10, 600, &t), 0, 0);
    for (int i = 0; i < 30; i++)
        rec[i] = 100; /* a bad warm-up: ignored with warm_s 300 */
    rec[40] = NAN;
    struct calib_trust w = {300, 0, 0, 1, 0};
    assert_float_equal(calib_offset(&r, 10, 600, &w), 10, 1e-5);
    /* a tail: only the window's last 120 s (steps 48-59) count, so a bad stretch before them is ignored too */
    for (int i = 30; i < 48; i++)
        rec[i] = 130;
    struct calib_trust tail = {0, 0, 120, 1, 0};
    assert_int_equal(calib_first_step(10, 600, N, &tail), 48);
    assert_float_equal(calib_offset(&r, 10, 600, &tail), 10, 1e-5);
    tail.k = 12; /* 12 valid steps and a prior of 12: half */
    assert_float_equal(calib_offset(&r, 10, 600, &tail), 5, 1e-5);
    tail.warm_s = 550; /* a warm-up past the tail's start wins */
    assert_int_equal(calib_first_step(10, 600, N, &tail), 55);
    struct calib_trust whole = {0, 0, 900, 1, 0}; /* a tail longer than the window: all of it */
    assert_int_equal(calib_first_step(10, 600, N, &whole), 0);
    for (int i = 30; i < 48; i++)
        rec[i] = i == 40 ? NAN : 150;
    struct metric_acc acc;
    metric_reset(&acc);
    calib_add(&acc, &r, 10, 600, 10, NULL);
    assert_int_equal(acc.n, N - 60); /* only steps at t >= 600 s */
    assert_float_equal(metric_mae(&acc), 0, 1e-6);
    assert_float_equal(calib_last(&r, 10, 600), 150, 0);
    rec[59] = NAN;
    assert_float_equal(calib_last(&r, 10, 600), 150, 0); /* the last valid one */
    assert_float_equal(calib_window_mean(&r, 10, 600), (30 * 100.0 + 28 * 150.0) / 58, 1e-3);
}

/* --trust text: WARM_S,K, WARM_S,K,TAIL_S or WARM_S,K,TAIL_S,PERSIST,TAU_S; k "never"; the default of a
 * finetuned model is the window's last 30 s, k 0, fading to 40 % with a time constant of 450 s, that of a
 * general model the same window fading to 80 % over 150 s */
static void test_parse_trust(void **state)
{
    (void)state;
    struct calib_trust t, d = calib_default_trust(1), g = calib_default_trust(0);
    assert_int_equal(calib_parse_trust("0,0,30,0.8,150", &t), 0);
    assert_true(t.warm_s == g.warm_s && t.k == g.k && t.tail_s == g.tail_s && t.persist == g.persist &&
                t.tau_s == g.tau_s);
    assert_int_equal(calib_parse_trust("180,10", &t), 0);
    assert_true(t.warm_s == 180 && t.k == 10 && t.tail_s == 0);
    assert_int_equal(calib_parse_trust("0,10,120", &t), 0);
    assert_true(t.warm_s == 0 && t.k == 10 && t.tail_s == 120 && t.tau_s == 0); /* held */
    assert_int_equal(calib_parse_trust("0,0,30,0.4,450", &t), 0);
    assert_true(t.warm_s == d.warm_s && t.k == d.k && t.tail_s == d.tail_s && t.persist == d.persist &&
                t.tau_s == d.tau_s);
    assert_int_equal(calib_parse_trust("0,never", &t), 0);
    assert_true(t.k >= CALIB_NEVER);
    assert_int_equal(calib_parse_trust("0,1e12", &t), 0);
    assert_true(t.k == CALIB_NEVER);
    assert_int_equal(calib_parse_trust("0,12345678901234567890", &t), 0); /* long numbers whole */
    assert_true(t.k == CALIB_NEVER);
    assert_int_equal(calib_parse_trust("30,2.5,90", &t), 0);
    assert_true(t.warm_s == 30 && t.k == 2.5f && t.tail_s == 90);
    const char *bad[] = {"", "abc", "180", "180,", "-1,10", "0,-3", "0,10,-1", "0,10,120,5", "0,10x", "0,10,120x",
                         "nan,10", "0,10,", "0,,120", ",10", "0,nevermore", "0,10,120,", "0,0,30,1.5,450",
                         "0,0,30,-0.1,450", "0,0,30,0.4,-1", "0,0,30,0.4", "0,0,30,0.4,", "0,0,30,0.4,450,",
                         "0,0,30,0.4,450x", "0,0,30,nan,450", "0,0,30,0.4,inf", "0,0,30,0.4,450,9"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(calib_parse_trust(bad[i], &t), -1);
    char buf[96];
    calib_trust_text(&d, buf, sizeof buf);
    assert_string_equal(buf, "last 30 s of the window, prior 0 steps, fading to 40 % (time constant 450 s)");
    t = (struct calib_trust){0, 10, 120, 1, 0};
    calib_trust_text(&t, buf, sizeof buf);
    assert_string_equal(buf, "last 120 s of the window, prior 10 steps");
    t.k = CALIB_NEVER;
    t.tau_s = 450;
    calib_trust_text(&t, buf, sizeof buf);
    assert_string_equal(buf, "window not trusted");
}

/* --calibrate text: one or more positive durations in s, m or h, each at most 7 days; no sign, hex, inf or
 * nan (a window of 3e10 s overflowed its step count and crashed predict and eval) */
static void test_parse_windows(void **state)
{
    (void)state;
    float w[4];
    assert_int_equal(calib_parse_windows("5m,10m,20m", w, 4), 3);
    assert_true(w[0] == 300 && w[1] == 600 && w[2] == 1200);
    assert_int_equal(calib_parse_windows("90s", w, 4), 1);
    assert_true(w[0] == 90);
    assert_int_equal(calib_parse_windows("1h", w, 4), 1);
    assert_true(w[0] == 3600);
    assert_int_equal(calib_parse_windows(".5m", w, 4), 1);
    assert_true(w[0] == 30);
    assert_int_equal(calib_parse_windows("604800", w, 4), 1); /* 7 days: the longest */
    assert_int_equal(calib_parse_windows("168h", w, 4), 1);
    assert_int_equal(calib_parse_windows("", w, 4), 0); /* no window: the callers refuse it */
    const char *bad[] = {"0", "-5m", "+5m", "604801", "169h", "3e10", "1e12", "inf", "nan", "0x10", "10m,,20m",
                         "10x", "5m,inf", "1,2,3,4,5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(calib_parse_windows(bad[i], w, 4), -1);
}

/* The shift fades from the offset at the window's end to persist x offset; tau 0 (or no trust) holds it. */
static void test_fade(void **state)
{
    (void)state;
    struct calib_trust t = {0, 0, 30, 0.4f, 450};
    assert_float_equal(calib_shift(&t, 10, 0), 10, 1e-5);
    assert_float_equal(calib_shift(&t, 10, -5), 10, 1e-5); /* before the window's end: not faded */
    assert_float_equal(calib_shift(&t, 10, 450), 10 * (0.4 + 0.6 * exp(-1.0)), 1e-4);
    assert_float_equal(calib_shift(&t, -10, 1e6), -4, 1e-4);
    struct calib_trust held = {0, 10, 120, 0, 0};
    assert_float_equal(calib_shift(&held, 10, 1e6), 10, 0);
    assert_float_equal(calib_shift(NULL, 10, 1e6), 10, 0);
    /* applied to the steps at t >= W only, each by its time since W; a window off the grid (605 s) starts
     * at step 61 (610 s), 5 s after it */
    float hr[N];
    for (int i = 0; i < N; i++)
        hr[i] = 140;
    calib_apply(hr, N, 10, 605, 10, &t);
    assert_float_equal(hr[60], 140, 0);
    assert_float_equal(hr[61], 140 + calib_shift(&t, 10, 5), 1e-4);
    assert_float_equal(hr[N - 1], 140 + calib_shift(&t, 10, (N - 1) * 10.0f - 605), 1e-4);
    /* calib_add scores the same shifted prediction */
    float rec[N];
    for (int i = 0; i < N; i++)
        rec[i] = hr[i];
    float pred[N];
    for (int i = 0; i < N; i++)
        pred[i] = 140;
    struct calib_run r = {pred, rec, N};
    struct metric_acc acc;
    metric_reset(&acc);
    calib_add(&acc, &r, 10, 605, 10, &t);
    assert_int_equal(acc.n, N - 61);
    assert_float_equal(metric_mae(&acc), 0, 1e-4);
    metric_reset(&acc);
    calib_add(&acc, &r, 10, 605, 10, NULL); /* held: off by the faded part */
    assert_true(metric_mae(&acc) > 1);
}

static void test_learn(void **state)
{
    (void)state;
    enum { R = 6 };
    float pred[R][N], rec[R][N];
    struct calib_run runs[R];
    /* the window's residual says nothing about the rest: trusting it can only hurt -> never */
    for (int j = 0; j < R; j++) {
        fill(pred[j], rec[j], j % 2 ? 15 : -15, 0);
        runs[j] = (struct calib_run){pred[j], rec[j], N};
    }
    struct calib_trust t = calib_learn(runs, R, 10, 600);
    assert_true(t.k >= CALIB_NEVER);
    /* a day's offset that persists, after a misleading warm-up: trusted, warm-up skipped */
    for (int j = 0; j < R; j++) {
        fill(pred[j], rec[j], j * 3 - 7, j * 3 - 7);
        for (int i = 0; i < 18; i++)
            rec[j][i] = 90;
    }
    t = calib_learn(runs, R, 10, 600);
    assert_true(t.k < 10);
    assert_true(calib_first_step(10, 600, N, &t) >= 18); /* the misleading first 180 s are not counted */
    struct metric_acc cal, unc;
    metric_reset(&cal);
    metric_reset(&unc);
    for (int j = 0; j < R; j++) {
        calib_add(&cal, &runs[j], 10, 600, calib_offset(&runs[j], 10, 600, &t), &t);
        calib_add(&unc, &runs[j], 10, 600, 0, NULL);
    }
    assert_true(metric_mae(&cal) < 0.1 * metric_mae(&unc));
    assert_float_equal(calib_shift(&t, 1, 3600), 1, 1e-6); /* an offset that persists is held */
    /* an offset that fades after the window (to 40 %, time constant 450 s): a fade is learned, and it beats
     * the same trust held */
    for (int j = 0; j < R; j++) {
        fill(pred[j], rec[j], j * 3 - 7, 0);
        for (int i = 60; i < N; i++)
            rec[j][i] = 140 + (j * 3 - 7) * (0.4f + 0.6f * expf(-(i * 10.0f - 600) / 450));
    }
    t = calib_learn(runs, R, 10, 600);
    assert_true(t.k < CALIB_NEVER && t.tau_s > 0 && t.persist < 1);
    struct calib_trust t_held = t;
    t_held.tau_s = 0;
    metric_reset(&cal);
    metric_reset(&unc);
    for (int j = 0; j < R; j++) {
        calib_add(&cal, &runs[j], 10, 600, calib_offset(&runs[j], 10, 600, &t), &t);
        calib_add(&unc, &runs[j], 10, 600, calib_offset(&runs[j], 10, 600, &t_held), &t_held);
    }
    assert_true(metric_mae(&cal) < 0.5 * metric_mae(&unc));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offset_and_window),
        cmocka_unit_test(test_parse_trust),
        cmocka_unit_test(test_parse_windows),
        cmocka_unit_test(test_fade),
        cmocka_unit_test(test_learn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
