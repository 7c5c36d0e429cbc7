/* test_sim.c — unit tests of src/sim: HR step response (gain, tau), grade cost, determinism by seed,
 * sensor realism statistics of the raw recordings, courses, runners drawn like fitted ones (--like). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/sim.h"

/* A single-component, drift-free athlete with known gain and tau. */
static void simple_athlete(struct sim_athlete *a, double tau)
{
    sim_athlete_params(a, 3, 1234);
    a->p_fast = 0;
    a->tau_slow = tau;
    a->tau_fast = 10;
    a->drift = 0;
    a->hr_max = 215;
    a->hr_rest = 50;
}

static void test_speed_step_raises_hr_by_gain_with_tau(void **state)
{
    (void)state;
    struct sim_athlete a;
    simple_athlete(&a, 60);
    enum { N = 1800, STEP_AT = 600 };
    float speed[N], hr[N];
    for (int i = 0; i < N; i++)
        speed[i] = i < STEP_AT ? 2.5f : 3.5f;
    double hr_before = sim_hr_steady(&a, 2.5, 0, 0, 0);
    sim_hr_response(&a, speed, NULL, N, 1.0, hr_before, hr);
    assert_true(fabs(hr[STEP_AT] - hr_before) < 1e-3);
    double rise = hr[N - 1] - hr[STEP_AT];
    assert_true(fabs(rise - a.gain * 1.0) < 0.01 * a.gain); /* 20 tau later: within 1 % of gain */
    int t63 = -1;
    for (int i = STEP_AT; i < N && t63 < 0; i++)
        if (hr[i] - hr_before >= 0.632 * a.gain)
            t63 = i - STEP_AT;
    assert_true(t63 >= 58 && t63 <= 62);

    /* two-component default athlete: 63 % is reached between the fast and the slow time constant */
    struct sim_athlete b;
    sim_athlete_params(&b, 5, 77);
    b.drift = 0;
    b.hr_max = 220;
    hr_before = sim_hr_steady(&b, 2.5, 0, 0, 0);
    sim_hr_response(&b, speed, NULL, N, 1.0, hr_before, hr);
    t63 = -1;
    for (int i = STEP_AT; i < N && t63 < 0; i++)
        if (hr[i] - hr_before >= 0.632 * b.gain)
            t63 = i - STEP_AT;
    assert_true(t63 > b.tau_fast && t63 < b.tau_slow);
}

static void test_uphill_costs_more_hr_than_flat(void **state)
{
    (void)state;
    assert_true(fabs(sim_minetti_cost(0) - 3.6) < 1e-12);
    assert_true(sim_cost_ratio(0.10) > 1.4 && sim_cost_ratio(0.10) < 1.8); /* Minetti: ~5.7/3.6 at +10 % */
    assert_true(sim_cost_ratio(-0.10) < 1.0);
    struct sim_athlete a;
    simple_athlete(&a, 50);
    enum { N = 900 };
    float speed[N], flat[N], up[N], hr_flat[N], hr_up[N];
    for (int i = 0; i < N; i++) {
        speed[i] = 2.8f;
        flat[i] = 0;
        up[i] = 0.06f;
    }
    sim_hr_response(&a, speed, flat, N, 1.0, 100, hr_flat);
    sim_hr_response(&a, speed, up, N, 1.0, 100, hr_up);
    double expect = a.gain * 2.8 * (sim_cost_ratio(0.06) - 1.0);
    assert_true(hr_up[N - 1] - hr_flat[N - 1] > 0.95 * expect);
    assert_true(hr_up[N - 1] - hr_flat[N - 1] < 1.05 * expect);
}

static int workouts_equal(const struct workout *x, const struct workout *y)
{
    return x->n == y->n && x->start_time == y->start_time && !memcmp(x->time, y->time, x->n * sizeof *x->time) &&
           !memcmp(x->hr, y->hr, x->n * sizeof *x->hr) && !memcmp(x->speed, y->speed, x->n * sizeof *x->speed) &&
           !memcmp(x->lat, y->lat, x->n * sizeof *x->lat) && !memcmp(x->alt, y->alt, x->n * sizeof *x->alt) &&
           !memcmp(x->dist, y->dist, x->n * sizeof *x->dist) && !strcmp(x->athlete, y->athlete);
}

static void test_deterministic_by_seed(void **state)
{
    (void)state;
    struct sim_cohort c1, c2;
    assert_int_equal(sim_cohort_init(&c1, 4, 2024), 0);
    assert_int_equal(sim_cohort_init(&c2, 4, 2024), 0);
    assert_memory_equal(c1.athletes, c2.athletes, 4 * sizeof *c1.athletes);
    struct workout w1, w2;
    workout_init(&w1);
    workout_init(&w2);
    for (int k = 0; k < SIM_KIND_COUNT; k++) {
        assert_int_equal(sim_workout(&c1.athletes[k % 4], k, k, 9, &w1), 0);
        assert_int_equal(sim_workout(&c2.athletes[k % 4], k, k, 9, &w2), 0);
        assert_true(workouts_equal(&w1, &w2));
    }
    assert_int_equal(sim_workout(&c1.athletes[0], 0, SIM_EASY, 10, &w2), 0);
    assert_int_equal(sim_workout(&c1.athletes[0], 0, SIM_EASY, 9, &w1), 0);
    assert_false(workouts_equal(&w1, &w2));
    struct sim_cohort c3;
    assert_int_equal(sim_cohort_init(&c3, 4, 2025), 0);
    assert_true(c3.athletes[0].gain != c1.athletes[0].gain);
    workout_free(&w1);
    workout_free(&w2);
    sim_cohort_free(&c1);
    sim_cohort_free(&c2);
    sim_cohort_free(&c3);
}

static void test_athlete_parameters_in_documented_ranges(void **state)
{
    (void)state;
    struct sim_cohort c;
    assert_int_equal(sim_cohort_init(&c, 200, 5), 0);
    double mrt = 0, gain = 0;
    for (int i = 0; i < c.n; i++) {
        const struct sim_athlete *a = &c.athletes[i];
        assert_true(a->hr_rest >= 40 && a->hr_rest <= 75);
        assert_true(a->hr_max >= 160 && a->hr_max <= 205);
        assert_true(a->tau_fast >= 8 && a->tau_fast <= 20);
        assert_true(a->tau_slow >= 35 && a->tau_slow <= 130);
        assert_true(a->drift >= 0.02 && a->drift <= 0.10);
        assert_true(a->gender == 'm' || a->gender == 'f');
        mrt += a->p_fast * a->tau_fast + (1 - a->p_fast) * a->tau_slow;
        gain += a->gain;
    }
    assert_string_equal(c.athletes[0].id, "sim0001");
    assert_string_equal(c.athletes[41].id, "sim0042");
    mrt /= c.n;
    gain /= c.n;
    assert_true(mrt > 50 && mrt < 66);   /* ~58 s */
    assert_true(gain > 20 && gain < 28); /* ~24 bpm per m/s */
    sim_cohort_free(&c);
}

/* sim_athlete_like: each runner takes one fitted row's level, gain, mean response time and drift (jittered),
 * the rest as sim_athlete_params; no rows = sim_athlete_params exactly. */
static void test_runners_like_fitted_rows(void **state)
{
    (void)state;
    const struct sim_fitted_row rows[2] = {{110.0, 12.0, 90.0, 3.0}, {150.0, 4.0, 40.0, -1.0}};
    struct sim_cohort c, plain;
    assert_int_equal(sim_cohort_init_like(&c, 400, 9, rows, 2), 0);
    assert_int_equal(sim_cohort_init_like(&plain, 400, 9, NULL, 0), 0);
    int near[2] = {0, 0};
    for (int i = 0; i < c.n; i++) {
        const struct sim_athlete *a = &c.athletes[i], *b = &plain.athletes[i];
        /* untouched: who they are, their pace and sensor */
        assert_true(a->hr_rest == b->hr_rest && a->v_aer == b->v_aer);
        /* HRmax kept, or raised just enough that the row's HR at the aerobic speed stays under it */
        double top = a->hr_rest + a->offset + a->gain * a->v_aer + SIM_LIKE_HRMAX_MARGIN;
        assert_true(a->hr_max == b->hr_max || (a->hr_max > b->hr_max && fabs(a->hr_max - top) < 1e-9));
        assert_true(top <= a->hr_max + 1e-9);
        assert_true(a->wrist == b->wrist && a->p_fast == b->p_fast);
        double level = a->hr_rest + a->offset;
        double mrt = a->p_fast * a->tau_fast + (1 - a->p_fast) * a->tau_slow;
        assert_true(fabs(mrt * b->tau_slow / a->tau_slow - (b->p_fast * b->tau_fast + (1 - b->p_fast) * b->tau_slow))
                    < 1e-6 * mrt + 1e-9); /* the kinetics keep their shape */
        for (int r = 0; r < 2; r++)
            if (fabs(level - rows[r].offset) < 5 * SIM_LIKE_OFFSET_SD && fabs(log(a->gain / rows[r].gain)) <
                    5 * SIM_LIKE_LOG_SD && fabs(log(mrt / rows[r].tau)) < 5 * SIM_LIKE_LOG_SD + 1e-9)
                near[r]++;
        assert_true(a->drift >= -0.05 && a->drift <= 0.15);
    }
    /* every runner is one of the two rows, and both are drawn about half the time */
    assert_int_equal(near[0] + near[1], c.n);
    assert_true(near[0] > 150 && near[1] > 150);
    /* a row whose level and gain put the HR at an easy pace over a drawn HRmax (until 2026-12-07 such runners sat
     * at HRmax: level 132, gain 11.5, HRmax 164): HRmax is raised, or the gain lowered where 215 is not enough */
    const struct sim_fitted_row high[2] = {{130.0, 10.0, 100.0, 3.0}, {180.0, 15.0, 60.0, 0.0}};
    struct sim_cohort h, h0;
    assert_int_equal(sim_cohort_init_like(&h, 200, 5, high, 2), 0);
    assert_int_equal(sim_cohort_init_like(&h0, 200, 5, NULL, 0), 0);
    int raised = 0, lowered = 0;
    for (int i = 0; i < h.n; i++) {
        const struct sim_athlete *a = &h.athletes[i];
        double level = a->hr_rest + a->offset;
        assert_true(level + a->gain * a->v_aer + SIM_LIKE_HRMAX_MARGIN <= a->hr_max + 1e-9);
        assert_true(a->hr_max <= SIM_LIKE_HRMAX_MAX);
        raised += a->hr_max > h0.athletes[i].hr_max;
        lowered += level > 170 && a->gain < 15.0 * exp(-5 * SIM_LIKE_LOG_SD);
    }
    assert_true(raised > 20 && lowered > 20);
    sim_cohort_free(&h);
    sim_cohort_free(&h0);
    struct sim_athlete x, y;
    sim_athlete_like(&x, 7, 9, rows, 0);
    sim_athlete_params(&y, 7, 9);
    assert_memory_equal(&x, &y, sizeof x);
    sim_cohort_free(&c);
    sim_cohort_free(&plain);
}

static void test_sensor_realism_statistics(void **state)
{
    (void)state;
    struct sim_cohort c;
    assert_int_equal(sim_cohort_init(&c, 10, 31), 0);
    struct workout w;
    workout_init(&w);
    int n_wk = 0, with_drop = 0, with_gap_gt1 = 0, without_speed = 0, with_pause = 0, mode_long = 0;
    double prev_start = 0;
    for (int ai = 0; ai < c.n; ai++) {
        prev_start = 0;
        for (int wi = 0; wi < 8; wi++) {
            const struct sim_athlete *a = &c.athletes[ai];
            struct sim_truth tr;
            enum sim_kind kind = sim_schedule_kind(a, wi);
            assert_int_equal(sim_workout_ex(a, wi, kind, 99, NULL, &w, &tr), 0);
            n_wk++;
            assert_string_equal(w.sport, "running");
            assert_string_equal(w.athlete, a->id);
            assert_true(w.start_time > 1.38e9 && w.start_time < 1.56e9);
            assert_true(w.start_time > prev_start); /* chronological by index */
            prev_start = w.start_time;
            assert_true(w.time[0] == w.start_time);
            int drop = 0, gt1 = 0;
            double sum_dt = 0;
            for (size_t i = 1; i < w.n; i++) {
                double dt = w.time[i] - w.time[i - 1];
                assert_true(dt >= 1 && dt <= 8);
                sum_dt += dt;
                gt1 |= dt > 1;
            }
            for (size_t i = 0; i < w.n; i++) {
                if (isnan(w.hr[i]) || w.hr[i] == 0)
                    drop = 1;
                else
                    assert_true(w.hr[i] > 30 && w.hr[i] < 230);
                if (!isnan(w.lat[i]))
                    assert_true(fabs(w.lat[i] - a->home_lat) < 1.0);
            }
            mode_long += sum_dt / (w.n - 1) > 4.5;
            with_drop += drop;
            with_gap_gt1 += gt1;
            without_speed += workout_count_float(&w, w.speed) == 0;
            int still = 0, longest = 0;
            for (int s = 0; s < tr.n; s++) {
                still = tr.speed[s] == 0 ? still + 1 : 0;
                longest = still > longest ? still : longest;
                assert_true(tr.hr[s] >= a->hr_rest - 1e-3 && tr.hr[s] <= a->hr_max + 1e-3); /* float rounding */
            }
            with_pause += longest >= 10;
            sim_truth_free(&tr);
        }
    }
    assert_true(with_drop >= n_wk / 5);
    assert_true(with_gap_gt1 >= n_wk / 2);
    assert_true(mode_long >= n_wk / 10);
    assert_true(without_speed >= 5 && without_speed <= n_wk / 2);
    assert_true(with_pause >= 5);
    print_message("sensor stats over %d workouts: %d with dropouts, %d without speed, %d with pauses\n",
                  n_wk, with_drop, without_speed, with_pause);
    workout_free(&w);
    sim_cohort_free(&c);
}

static void test_noise_free_mode_samples_every_second_exactly(void **state)
{
    (void)state;
    struct sim_athlete a;
    sim_athlete_params(&a, 0, 8);
    struct sim_options o = {.noise_free = 1};
    struct workout w;
    workout_init(&w);
    struct sim_truth tr;
    assert_int_equal(sim_workout_ex(&a, 2, SIM_TEMPO, 4, &o, &w, &tr), 0);
    assert_int_equal((int)w.n, tr.n);
    for (size_t i = 0; i < w.n; i++) {
        assert_true(w.time[i] - w.start_time == (double)i);
        assert_true(w.hr[i] == tr.hr[i]);
        assert_true(w.speed[i] == tr.speed[i]);
    }
    sim_truth_free(&tr);
    workout_free(&w);
}

static void test_courses(void **state)
{
    (void)state;
    struct sim_course flat, hilly;
    assert_int_equal(sim_course_random(&flat, 10000, 0, 1), 0);
    assert_int_equal(sim_course_random(&hilly, 10000, 1.0, 1), 0);
    assert_true(sim_course_ascent(&flat) < 1e-3);
    assert_true(sim_course_ascent(&hilly) > 50);
    double maxg = 0, sq = 0;
    int n = 0;
    for (double d = 0; d < 10000; d += 5, n++) {
        double g = sim_course_grade(&hilly, d);
        maxg = fmax(maxg, fabs(g));
        sq += g * g;
    }
    assert_true(maxg < 0.25);
    assert_true(sqrt(sq / n) > 0.01);
    float prof[3] = {0, 10, 10};
    struct sim_course c;
    assert_int_equal(sim_course_from_profile(&c, prof, 3, 100), 0);
    assert_true(fabs(sim_course_alt(&c, 50) - 5) < 1e-9);
    assert_true(fabs(sim_course_grade(&c, 50) - 0.1) < 1e-9);
    sim_course_free(&c);
    sim_course_free(&flat);
    sim_course_free(&hilly);
    assert_int_equal(sim_kind_parse("intervals"), SIM_INTERVALS);
    assert_int_equal(sim_kind_parse("nope"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_speed_step_raises_hr_by_gain_with_tau),
        cmocka_unit_test(test_uphill_costs_more_hr_than_flat),
        cmocka_unit_test(test_deterministic_by_seed),
        cmocka_unit_test(test_athlete_parameters_in_documented_ranges),
        cmocka_unit_test(test_runners_like_fitted_rows),
        cmocka_unit_test(test_sensor_realism_statistics),
        cmocka_unit_test(test_noise_free_mode_samples_every_second_exactly),
        cmocka_unit_test(test_courses),
    };
    return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
