/* test_prep.c — unit tests of src/prep: resampling, masking reasons, speed derivation, rejections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "prep/hr_quality.h"
#include "prep/prep.h"
#include "prep/resample.h"
#include "util/log.h"

/* A 1 Hz run: speed v m/s, HR rising 100 -> 160 over the first 10 min, optional GPS along a meridian. */
static void make_run(struct workout *w, int seconds, float v, int with_speed, int with_dist, int with_gps)
{
    workout_init(w);
    snprintf(w->sport, sizeof w->sport, "running");
    snprintf(w->source, sizeof w->source, "synthetic");
    double t0 = 1.6e9;
    for (int i = 0; i < seconds; i++) {
        long k = workout_push(w, t0 + i);
        w->hr[k] = 100.0f + 60.0f * (i < 600 ? (float)i / 600.0f : 1.0f);
        if (with_speed)
            w->speed[k] = v;
        if (with_dist)
            w->dist[k] = v * (float)i;
        if (with_gps) {
            w->lat[k] = 45.0 + (v * i) / 111195.0; /* metres north along a meridian */
            w->lon[k] = 7.0;
        }
        w->alt[k] = 100.0f + 0.05f * v * (float)i; /* 5 % uphill */
    }
}

static void test_resample_bins_and_interpolates(void **state)
{
    (void)state;
    double t[] = {0, 1, 2, 3, 10, 11};
    float v[] = {1, 3, NAN, 5, 7, 9};
    float out[4];
    resample_channel(t, v, 6, 0.0, 4.0f, 4, 20.0f, out);
    /* bins [-2,2): {1,3} -> 2; [2,6): {5} (NaN skipped) -> 5; [6,10): none -> interp 5..7 at t=8;
     * [10,14): {7,9} -> 8 */
    assert_float_equal(out[0], 2.0f, 1e-6);
    assert_float_equal(out[1], 5.0f, 1e-6);
    assert_float_equal(out[2], 5.0f + 2.0f * (8.0f - 3.0f) / 7.0f, 1e-5);
    assert_float_equal(out[3], 8.0f, 1e-6);
}

static void test_clean_run_on_grid(void **state)
{
    (void)state;
    struct workout w;
    make_run(&w, 1800, 3.0f, 1, 0, 0);
    struct prep_opts o;
    prep_opts_default(&o);
    struct series s;
    struct prep_stats st = {0};
    enum reject_reason why;
    assert_int_equal(prep_workout(&w, &o, &s, &why, &st, NULL), 0);
    assert_int_equal(s.n, 180); /* 0..1799 s at 10 s */
    assert_float_equal(S_SPEED(&s)[50], 3.0f, 1e-5);
    assert_float_equal(S_DIST(&s)[100], 3000.0f, 1e-2);
    assert_float_equal(S_GRADE(&s)[90], 0.05f, 0.005);
    assert_float_equal(S_HR(&s)[150], 160.0f, 1e-4);
    assert_int_equal(st.accepted, 1);
    assert_float_equal(s.meta.start_time, 1.6e9, 0.5);
    assert_string_equal(s.meta.sport, "running");
    series_free(&s);
    workout_free(&w);
}

static void test_speed_from_distance_and_gps(void **state)
{
    (void)state;
    struct prep_opts o;
    prep_opts_default(&o);
    for (int mode = 0; mode < 2; mode++) {
        struct workout w;
        make_run(&w, 1200, 3.5f, 0, mode == 0, mode == 1);
        struct series s;
        assert_int_equal(prep_workout(&w, &o, &s, NULL, NULL, NULL), 0);
        for (int k = 5; k < s.n - 5; k++)
            assert_float_equal(S_SPEED(&s)[k], 3.5f, 0.05);
        assert_int_equal(s.meta.has_gps, mode == 1);
        series_free(&s);
        workout_free(&w);
    }
}

static void test_masks_out_of_range_spikes_and_pauses(void **state)
{
    (void)state;
    struct workout w;
    make_run(&w, 1800, 3.0f, 1, 0, 0);
    w.hr[700] = 0;     /* dropout to 0 */
    w.hr[701] = 250;   /* out of range */
    w.hr[900] = 220;   /* isolated spike from 160 */
    /* a 3-minute pause: remove samples 1000..1179 by shifting the clock of the rest */
    for (size_t i = 1000; i < w.n; i++)
        w.time[i] += 180;
    struct prep_opts o;
    prep_opts_default(&o);
    struct series s;
    struct prep_stats st = {0};
    assert_int_equal(prep_workout(&w, &o, &s, NULL, &st, NULL), 0);
    assert_int_equal(st.masked[MASK_HR_OUT_OF_RANGE], 2);
    assert_int_equal(st.masked[MASK_HR_SPIKE], 1);
    assert_true(st.masked[MASK_PAUSE] >= 16);
    /* a pause step: speed 0, HR masked */
    int k = (int)((1000 + 90) / 10);
    assert_float_equal(S_SPEED(&s)[k], 0.0f, 1e-6);
    assert_true(isnan(S_HR(&s)[k]));
    assert_float_equal(S_HR(&s)[90], 160.0f, 1e-3); /* the spike did not leak into its bin */
    series_free(&s);
    workout_free(&w);
}

/* A recording gap over which the device's distance went on at running pace (a watch recording sparsely)
 * is run, not a stop: its steps get the gap's mean speed and no HR (verdict: pause, a recording gap); a
 * gap whose distance stands still, or that has no distance, stays a pause with speed 0. */
static void test_gap_with_distance_is_run(void **state)
{
    (void)state;
    struct workout w;
    make_run(&w, 1800, 3.0f, 1, 1, 0);
    /* samples 600..779 lost: the clock and the distance jump together (543 m in 181 s) */
    for (size_t i = 600; i < 780; i++)
        w.time[i] = NAN;
    /* a real pause at 1200: 120 s standing, the distance unchanged */
    for (size_t i = 1200; i < w.n; i++) {
        w.time[i] += 120;
    }
    struct prep_opts o;
    prep_opts_default(&o);
    struct series s;
    struct prep_stats st = {0};
    assert_int_equal(prep_workout(&w, &o, &s, NULL, &st, NULL), 0);
    assert_int_equal(st.masked[MASK_MOVING_GAP], 18); /* 600 < 10 k < 780 */
    assert_int_equal(st.masked[MASK_PAUSE], 12);      /* 1199 < 10 k < 1320 */
    assert_float_equal(S_SPEED(&s)[69], 543.0f / 181.0f, 1e-3);
    assert_true(isnan(S_HR(&s)[69]));
    assert_int_equal(s.hr_issue[69], HRQ_PAUSE); /* a recording gap, for the HR-quality rules */
    assert_float_equal(S_SPEED(&s)[125], 0.0f, 1e-6);
    assert_int_equal(s.hr_issue[125], HRQ_PAUSE);
    series_free(&s);
    workout_free(&w);
}

static void test_rejections(void **state)
{
    (void)state;
    struct prep_opts o;
    prep_opts_default(&o);
    struct series s;
    enum reject_reason why;
    struct workout w;
    make_run(&w, 200, 3.0f, 1, 0, 0); /* 200 s < 5 min */
    assert_int_equal(prep_workout(&w, &o, &s, &why, NULL, NULL), 1);
    assert_int_equal(why, REJ_TOO_SHORT);
    workout_free(&w);
    make_run(&w, 1200, 3.0f, 1, 0, 0);
    snprintf(w.sport, sizeof w.sport, "cycling");
    assert_int_equal(prep_workout(&w, &o, &s, &why, NULL, NULL), 1);
    assert_int_equal(why, REJ_NOT_RUNNING);
    snprintf(o.sport, sizeof o.sport, "any");
    assert_int_equal(prep_workout(&w, &o, &s, &why, NULL, NULL), 0);
    series_free(&s);
    prep_opts_default(&o);
    snprintf(w.sport, sizeof w.sport, "running");
    for (size_t i = 0; i < w.n; i++)
        w.hr[i] = i % 3 ? NAN : 150.0f; /* sparse, but interpolation covers it */
    assert_int_equal(prep_workout(&w, &o, &s, &why, NULL, NULL), 0);
    series_free(&s);
    for (size_t i = 0; i < w.n; i++)
        w.hr[i] = i < 500 ? 150.0f : NAN; /* 500 s valid of 1200 s: > 5 min but < 50 % */
    assert_int_equal(prep_workout(&w, &o, &s, &why, NULL, NULL), 1);
    assert_int_equal(why, REJ_LOW_VALID_HR);
    for (size_t i = 0; i < w.n; i++) {
        w.hr[i] = 150.0f;
        w.speed[i] = NAN;
    }
    assert_int_equal(prep_workout(&w, &o, &s, &why, NULL, NULL), 1);
    assert_int_equal(why, REJ_NO_SPEED);
    workout_free(&w);
}

static void test_clock_glitch_keeps_longest_segment(void **state)
{
    (void)state;
    struct workout w;
    make_run(&w, 1800, 3.0f, 1, 0, 0);
    for (size_t i = 1700; i < w.n; i++)
        w.time[i] += 5 * 86400.0; /* the last 100 samples days later */
    w.time[10] = w.time[8];       /* one time going backwards */
    struct prep_opts o;
    prep_opts_default(&o);
    struct series s;
    struct prep_stats st = {0};
    assert_int_equal(prep_workout(&w, &o, &s, NULL, &st, NULL), 0);
    assert_int_equal(st.masked[MASK_CLOCK_GLITCH], 100);
    assert_int_equal(st.masked[MASK_CLOCK_BACKWARDS], 1);
    assert_int_equal(s.n, 170);
    series_free(&s);
    workout_free(&w);
}

/* A timestamp glitched ahead (one record stamped days later, two an hour later, the first one a day later)
 * is dropped: the rest of the run is kept, not taken for a clock going backwards. */
static void test_clock_glitch_ahead_drops_only_the_glitch(void **state)
{
    (void)state;
    struct workout w;
    make_run(&w, 1800, 3.0f, 1, 0, 0);
    w.time[0] += 86400.0;
    w.time[600] += 3 * 86400.0;
    w.time[900] += 3600.0;
    w.time[901] += 3600.0;
    struct prep_opts o;
    prep_opts_default(&o);
    struct series s;
    struct prep_stats st = {0};
    assert_int_equal(prep_workout(&w, &o, &s, NULL, &st, NULL), 0);
    assert_int_equal(st.masked[MASK_CLOCK_BACKWARDS], 4);
    assert_int_equal(st.masked[MASK_CLOCK_GLITCH], 0);
    assert_int_equal(s.n, 180); /* 1..1799 s: the whole run */
    series_free(&s);
    workout_free(&w);
}

/* Zone-less local times across a DST fall-back (00:40-02:00, then 01:00-02:00 again, then on): the hour
 * until the clock catches up are dropped as clock_backwards, and one warning says how many (until
 * 2026-12-07 silently: only info's count showed them); a run whose clock never goes back gets none. */
static void test_clock_back_is_warned(void **state)
{
    (void)state;
    struct workout w;
    make_run(&w, 4800 + 3600 + 600, 3.0f, 1, 0, 0);
    for (size_t i = 4800; i < w.n; i++)
        w.time[i] -= 3600.0; /* from 02:00 the clock reads an hour less */
    snprintf(w.source, sizeof w.source, "dst.csv");
    struct prep_opts o;
    prep_opts_default(&o);
    struct series s;
    struct prep_stats st = {0};
    char warned[512] = "";
    hr_warn_keep(warned, sizeof warned);
    assert_int_equal(prep_workout(&w, &o, &s, NULL, &st, NULL), 0);
    hr_warn_keep(NULL, 0);
    assert_int_equal(st.masked[MASK_CLOCK_BACKWARDS], 3599); /* 01:00 .. 01:59:59; 02:00 is merged */
    assert_string_equal(warned, "dst.csv: the clock goes back (by up to 3599 s, first at 4799 s into the recording): "
                                "3599 samples earlier than the one before dropped as clock_backwards, until the "
                                "clock caught up\n");
    series_free(&s);
    workout_free(&w);
    make_run(&w, 1800, 3.0f, 1, 0, 0);
    warned[0] = '\0';
    hr_warn_keep(warned, sizeof warned);
    assert_int_equal(prep_workout(&w, &o, &s, NULL, NULL, NULL), 0);
    hr_warn_keep(NULL, 0);
    assert_string_equal(warned, "");
    series_free(&s);
    workout_free(&w);
}

static void test_workout_copy_is_deep_and_whole(void **state)
{
    (void)state;
    struct workout a, b;
    make_run(&a, 100, 3.0f, 1, 1, 1);
    a.grid_step = 10.0f;
    a.leg = 2;
    a.gender = 'f';
    workout_init(&b);
    assert_int_equal(workout_copy(&b, &a), 0);
    a.hr[5] = 1.0f;
    snprintf(a.sport, sizeof a.sport, "cycling");
    assert_int_equal(b.n, 100);
    assert_float_equal(b.hr[5], 100.0f + 60.0f * 5.0f / 600.0f, 1e-4);
    assert_float_equal(b.lat[50], a.lat[50], 0);
    assert_string_equal(b.sport, "running");
    assert_float_equal(b.grid_step, 10.0f, 0);
    assert_int_equal(b.leg, 2);
    assert_int_equal(b.gender, 'f');
    assert_true(b.time != a.time);
    workout_free(&a);
    workout_free(&b);
}

static void test_profile_series(void **state)
{
    (void)state;
    float spd[60], alt[60];
    for (int i = 0; i < 60; i++) {
        spd[i] = 4.0f;
        alt[i] = i < 30 ? 0.0f + 4.0f * 10 * i * 0.1f : 120.0f;
    }
    struct series s;
    assert_int_equal(series_from_profile(spd, alt, 60, 10.0f, 'f', &s), 0);
    assert_float_equal(S_DIST(&s)[59], 59 * 40.0f, 1e-2);
    assert_true(S_GRADE(&s)[10] > 0.08f && S_GRADE(&s)[10] < 0.12f);
    assert_float_equal(S_GRADE(&s)[55], 0.0f, 1e-6);
    assert_true(isnan(S_HR(&s)[0]));
    series_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resample_bins_and_interpolates),
        cmocka_unit_test(test_clean_run_on_grid),
        cmocka_unit_test(test_speed_from_distance_and_gps),
        cmocka_unit_test(test_masks_out_of_range_spikes_and_pauses),
        cmocka_unit_test(test_gap_with_distance_is_run),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_clock_glitch_keeps_longest_segment),
        cmocka_unit_test(test_clock_glitch_ahead_drops_only_the_glitch),
        cmocka_unit_test(test_clock_back_is_warned),
        cmocka_unit_test(test_profile_series),
        cmocka_unit_test(test_workout_copy_is_deep_and_whole),
    };
    return cmocka_run_group_tests_name("prep", tests, NULL, NULL);
}
