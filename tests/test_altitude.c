/* test_altitude.c — the cleaning rules that the real import's feature statistics called for: the
 * altitude rules (src/prep/altitude.c: spikes, level shifts, sustained climb rates and impossible values
 * are masked or re-levelled and counted; real climbs and descents are left alone; on the real Strava file
 * whose altitudes run from -344 m to 12,359 m the elevation gain and grades become plausible, skipped
 * when ../shared/data/real is absent), and the not_moving rejection of a watch left recording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/reader.h"
#include "prep/altitude.h"
#include "prep/features.h"
#include "prep/prep.h"
#include "testutil.h"

#define N_S 1800 /* a 30-minute 1 Hz run */

/* The true terrain: rolling hills of +-20 m every 10 minutes, plus a 40 m climb in minutes 20-25. */
static float true_alt(double t)
{
    float a = 100.0f + 20.0f * sinf((float)(2.0 * M_PI * t / 600.0));
    if (t > 1200)
        a += t < 1500 ? 40.0f * (float)(t - 1200) / 300.0f : 40.0f;
    return a;
}

/* Positive altitude change summed over a grid series (the elevation_gain feature at the last step). */
static double gain_of(const struct series *s)
{
    double g = 0;
    for (int i = 1; i < s->n; i++)
        if (S_ALT(s)[i] > S_ALT(s)[i - 1])
            g += S_ALT(s)[i] - S_ALT(s)[i - 1];
    return g;
}

static int grades_at_clamp(const struct series *s)
{
    int k = 0;
    for (int i = 0; i < s->n; i++)
        k += fabsf(S_GRADE(s)[i]) >= 0.349f;
    return k;
}

static void make_run(struct workout *w, int corrupt)
{
    workout_init(w);
    snprintf(w->sport, sizeof w->sport, "running");
    snprintf(w->source, sizeof w->source, "synthetic");
    for (int i = 0; i < N_S; i++) {
        long k = workout_push(w, 1.6e9 + i);
        w->hr[k] = 150.0f;
        w->speed[k] = 3.0f;
        w->alt[k] = true_alt(i);
        if (!corrupt)
            continue;
        if (i == 100 || i == 700)
            w->alt[k] = 12359.0f; /* impossible values, like the Strava file's */
        if (i >= 300 && i < 304)
            w->alt[k] -= 350.0f; /* a 4 s spike down that comes back */
        if (i >= 400 && i < 406)
            w->alt[k] += 3000.0f + 500.0f * (float)(i - 400); /* a ramped spike, inside the Earth's range */
        if (i >= 1000)
            w->alt[k] += 60.0f; /* the device switched altitude source: a level shift that stays */
        if (i >= 1600 && i < 1680) /* GPS altitude drifting away at 3 m/s for 40 s and back */
            w->alt[k] += 3.0f * (float)(i < 1640 ? i - 1600 : 1680 - i);
    }
}

static void prep_run(int corrupt, struct series *s, struct prep_stats *st)
{
    struct workout w;
    make_run(&w, corrupt);
    struct prep_opts o;
    prep_opts_default(&o);
    enum reject_reason why;
    memset(st, 0, sizeof *st);
    assert_int_equal(prep_workout(&w, &o, s, &why, st, NULL), 0);
    workout_free(&w);
}

/* A corrupted run cleans to nearly the clean one: same elevation gain within 10 %, no grade at the
 * clamp, every rule counted. Before the rules the gain was tens of kilometres. */
static void test_synthetic_spikes_cleaned_and_counted(void **state)
{
    (void)state;
    struct series clean, bad;
    struct prep_stats st_clean, st;
    prep_run(0, &clean, &st_clean);
    prep_run(1, &bad, &st);
    double g0 = gain_of(&clean), g1 = gain_of(&bad);
    printf("elevation gain: clean %.1f m, corrupted after cleaning %.1f m\n", g0, g1);
    assert_true(g0 > 100 && g0 < 170); /* 3 hills of 40 m + the 40 m climb, partly over a descent */
    assert_true(fabs(g1 - g0) < 0.1 * g0);
    assert_int_equal(grades_at_clamp(&clean), 0);
    assert_int_equal(grades_at_clamp(&bad), 0);
    assert_int_equal(st.masked[MASK_ALT_OUT_OF_RANGE], 2);
    assert_true(st.masked[MASK_ALT_SPIKE] >= 4 + 6);
    assert_true(st.masked[MASK_ALT_LEVEL_SHIFT] >= 800 - 60); /* the shorter level: from 1000 s to the end */
    assert_true(st.masked[MASK_ALT_CLIMB_RATE] > 0);
    for (int r = MASK_ALT_OUT_OF_RANGE; r <= MASK_ALT_CLIMB_RATE; r++)
        assert_int_equal(st_clean.masked[r], 0);
    /* the level shift is gone: the profile after it follows the truth minus nothing (the longer level,
     * before the shift, keeps its values) */
    for (int i = 0; i < bad.n; i++)
        assert_true(fabsf(S_ALT(&bad)[i] - S_ALT(&clean)[i]) < 12.0f);
    series_free(&clean);
    series_free(&bad);
}

/* Real terrain that is steep but runnable is never touched: a vertical kilometre (0.55 m/s up, the
 * record pace) and a fast descent (1.2 m/s down), with 2 m of GPS noise. */
static void test_steep_real_terrain_untouched(void **state)
{
    (void)state;
    int n = 3600;
    double *t = malloc(sizeof(double) * n);
    float *a = malloc(sizeof(float) * n), *a0 = malloc(sizeof(float) * n);
    for (int i = 0; i < n; i++) {
        t[i] = i;
        float up = 0.55f * (float)(i < 1800 ? i : 1800), down = i > 1800 ? 1.2f * (float)(i - 1800) : 0;
        if (down > 990)
            down = 990;
        a0[i] = a[i] = 500.0f + up - down + 2.0f * sinf((float)i * 1.7f);
    }
    struct alt_counts c = {0};
    assert_int_equal(altitude_clean(t, a, n, &c), 0);
    assert_int_equal(c.out_of_range + c.spike + c.level_shift + c.climb_rate, 0);
    assert_memory_equal(a, a0, sizeof(float) * n);
    free(t);
    free(a);
    free(a0);
}

/* A spike that returns is masked sample by sample; a jump that stays re-levels the shorter side. */
static void test_spike_and_level_shift_counts(void **state)
{
    (void)state;
    enum { N = 600 };
    double t[N];
    float a[N];
    for (int i = 0; i < N; i++) {
        t[i] = 2.0 * i; /* 0.5 Hz */
        a[i] = 50.0f;
    }
    a[100] = a[101] = a[102] = 400.0f;
    struct alt_counts c = {0};
    assert_int_equal(altitude_clean(t, a, N, &c), 0);
    assert_int_equal(c.spike, 3);
    assert_true(isnan(a[100]) && isnan(a[102]) && a[103] == 50.0f);
    for (int i = 0; i < N; i++)
        a[i] = i < 450 ? 50.0f : 130.0f; /* shifted for the last 150 samples */
    memset(&c, 0, sizeof c);
    assert_int_equal(altitude_clean(t, a, N, &c), 0);
    assert_int_equal(c.spike, 0);
    assert_int_equal(c.level_shift, 150);
    for (int i = 0; i < N; i++)
        assert_float_equal(a[i], 50.0f, 1e-4);
    /* two level shifts: the second is compared as recorded (not as re-levelled) and stays a shift */
    for (int i = 0; i < N; i++)
        a[i] = i < 100 ? 50.0f : i < 400 ? 250.0f : 180.0f;
    memset(&c, 0, sizeof c);
    assert_int_equal(altitude_clean(t, a, N, &c), 0);
    assert_int_equal(c.spike, 0);
    assert_int_equal(c.level_shift, 100 + 200); /* the longest level, 250 m, keeps its values */
    for (int i = 0; i < N; i++)
        assert_float_equal(a[i], 250.0f, 1e-3);
}

/* Ten hours of HR from a watch that never moved (like a real FIT file that gave elapsed_time its 35,670 s
 * maximum) is rejected as not_moving; the same run with 5 minutes of running in it is accepted. */
static void test_standing_recording_rejected_not_moving(void **state)
{
    (void)state;
    for (int run_s = 0; run_s <= 300; run_s += 300) {
        struct workout w;
        workout_init(&w);
        snprintf(w.sport, sizeof w.sport, "running");
        snprintf(w.source, sizeof w.source, "standing");
        for (int i = 0; i < 36000; i += 5) {
            long k = workout_push(&w, 1.6e9 + i);
            w.hr[k] = 75.0f;
            w.speed[k] = i < run_s ? 3.0f : 0.08f;
        }
        struct prep_opts o;
        prep_opts_default(&o);
        struct series s;
        struct prep_stats st = {0};
        enum reject_reason why = REJ_COUNT;
        int rc = prep_workout(&w, &o, &s, &why, &st, NULL);
        if (run_s == 0) {
            assert_int_equal(rc, 1);
            assert_int_equal(why, REJ_NOT_MOVING);
            assert_string_equal(reject_reason_name(why), "not_moving");
            assert_int_equal(st.rejected[REJ_NOT_MOVING], 1);
        } else {
            assert_int_equal(rc, 0);
            series_free(&s);
        }
        workout_free(&w);
    }
}

struct first_run {
    struct series s;
    struct prep_stats st;
    int got;
};

static int keep_first(void *ctx, struct workout *w)
{
    struct first_run *f = ctx;
    if (f->got++)
        return 0;
    struct prep_opts o;
    prep_opts_default(&o);
    enum reject_reason why;
    struct hr_err e;
    assert_int_equal(prep_workout(w, &o, &f->s, &why, &f->st, &e), 0);
    return 0;
}

/* The Strava export's run with altitudes from -344 m to 12,359 m: before the rules it had 176 km of
 * elevation gain and 156 grid steps at the +-35 % grade clamp. */
static void test_real_strava_spikes(void **state)
{
    (void)state;
    const char *real = real_data_dir();
    if (!real) {
        printf("SKIP: ../shared/data/real is absent\n");
        skip();
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/patricktudor-strava-export/activities/145453524.tcx.gz", real);
    struct first_run f;
    memset(&f, 0, sizeof f);
    struct read_opts ro;
    read_opts_default(&ro);
    struct hr_err e;
    assert_int_equal(io_read_path(path, &ro, keep_first, &f, &e), 0);
    assert_int_equal(f.got, 1);
    const struct feature_set *fs = feature_set_get("default");
    float *x = malloc(sizeof(float) * (size_t)f.s.n * fs->n);
    assert_int_equal(features_compute(fs, &f.s, NULL, x, &e), 0);
    float gain = x[(size_t)(f.s.n - 1) * fs->n + 10], dist = S_DIST(&f.s)[f.s.n - 1];
    float lo = 1e9f, hi = -1e9f;
    for (int i = 0; i < f.s.n; i++) {
        lo = fminf(lo, S_ALT(&f.s)[i]);
        hi = fmaxf(hi, S_ALT(&f.s)[i]);
    }
    int clamp = grades_at_clamp(&f.s);
    printf("145453524: %.1f km, elevation gain %.0f m, altitude %.0f..%.0f m, %d steps at the grade clamp;"
           " masked: out_of_range %lld, spike %lld, level_shift %lld, climb_rate %lld\n",
           dist / 1000, gain, lo, hi, clamp, f.st.masked[MASK_ALT_OUT_OF_RANGE], f.st.masked[MASK_ALT_SPIKE],
           f.st.masked[MASK_ALT_LEVEL_SHIFT], f.st.masked[MASK_ALT_CLIMB_RATE]);
    assert_true(gain < 0.05f * dist); /* under 50 m per km: hilly, not a mountain, not 176 km */
    assert_true(hi - lo < 500.0f);
    assert_true(clamp < f.s.n / 100);
    assert_true(f.st.masked[MASK_ALT_OUT_OF_RANGE] + f.st.masked[MASK_ALT_SPIKE] > 0);
    free(x);
    series_free(&f.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_synthetic_spikes_cleaned_and_counted),
        cmocka_unit_test(test_steep_real_terrain_untouched),
        cmocka_unit_test(test_spike_and_level_shift_counts),
        cmocka_unit_test(test_standing_recording_rejected_not_moving),
        cmocka_unit_test(test_real_strava_spikes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
