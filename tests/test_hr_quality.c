/* test_hr_quality.c — the HR-quality stage: for each reason a synthetic series that has the artifact
 * (flagged with that reason) and one that does not (nothing flagged); the verdicts in the dataset file
 * (version 2) and a version-1 file that still loads; batches leave flagged steps out of the loss
 * unless keep_flagged; evaluation scores all recorded and trusted steps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "data/dataset.h"
#include "eval/evaluate.h"
#include "model/constant.h"
#include "model/lstm_model.h"
#include "prep/features.h"
#include "prep/hr_quality.h"
#include "train/batcher.h"
#include "testutil.h"

#define N 360 /* one hour at 10 s */
#define STEP 10.0f

struct run {
    float hr[N], speed[N], cad[N];
    uint8_t v[N];
    int strap;
};

/* A clean steady run: 3 m/s, cadence 172, HR rising from 100 to ~150 over the first minutes with a
 * small slow wobble (what a chest strap records). */
static void clean_run(struct run *r)
{
    for (int k = 0; k < N; k++) {
        double t = k * STEP;
        r->speed[k] = 3.0f + 0.1f * (float)sin(t / 97.0);
        r->cad[k] = 172.0f + 1.5f * (float)sin(t / 53.0);
        r->hr[k] = (float)(100.0 + 50.0 * (1.0 - exp(-t / 60.0)) + 2.0 * sin(t / 71.0) + 0.01 * t / 60.0);
        r->v[k] = 0;
    }
    r->strap = 0;
}

static int count(const struct run *r, enum hr_issue what)
{
    int c = 0;
    for (int k = 0; k < N; k++)
        c += r->v[k] == what;
    return c;
}

static int flagged(const struct run *r)
{
    int c = 0;
    for (int k = 0; k < N; k++)
        c += hr_issue_flagged(r->v[k]);
    return c;
}

static void assess(struct run *r, int with_cadence)
{
    hr_quality_assess(r->hr, r->speed, with_cadence ? r->cad : NULL, N, STEP, r->strap, r->v);
}

static void test_clean_run_has_no_flags(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    assess(&r, 1);
    assert_int_equal(flagged(&r), 0);
    assert_int_equal(count(&r, HRQ_TRUSTED), N);
    /* NaN HR is a gap, a preset pause stays a pause */
    r.hr[10] = NAN;
    r.hr[11] = NAN;
    r.v[11] = HRQ_PAUSE;
    assess(&r, 1);
    assert_int_equal(r.v[10], HRQ_HR_GAP);
    assert_int_equal(r.v[11], HRQ_PAUSE);
}

static void test_cadence_lock(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    for (int k = 100; k < 130; k++) /* 5 min on the step rate, jumping there from ~150 */
        r.hr[k] = r.cad[k] + (k % 2 ? 0.5f : -0.5f);
    assess(&r, 1);
    assert_true(count(&r, HRQ_CADENCE_LOCK) >= 28);
    assert_int_equal(flagged(&r), count(&r, HRQ_CADENCE_LOCK));
    /* the same HR without a cadence channel: no lock can be seen (a level shift may be) */
    assess(&r, 0);
    assert_int_equal(count(&r, HRQ_CADENCE_LOCK), 0);
    /* a heart that reaches the step rate slowly by effort and stays near it for 2 minutes: not a lock */
    clean_run(&r);
    for (int k = 150; k < 200; k++)
        r.hr[k] = 160.0f + 9.0f * (float)sin(M_PI * (k - 150) / 50.0);
    int near = 0;
    for (int k = 0; k < N; k++)
        near += fabsf(r.hr[k] - r.cad[k]) <= 5.0f;
    assert_true(near >= 10); /* the rule's first condition holds for more than a minute */
    assess(&r, 1);
    assert_int_equal(count(&r, HRQ_CADENCE_LOCK), 0);
    /* a wrist reading glued to the step rate for 10 minutes without an abrupt start is a lock; from a
     * chest strap it is taken as the heart's own */
    clean_run(&r);
    for (int k = 60; k < N; k++)
        r.hr[k] = fminf(150.0f + (float)(k - 60) * 0.5f, r.cad[k] - 1.0f);
    assess(&r, 1);
    assert_true(count(&r, HRQ_CADENCE_LOCK) >= 60);
    r.strap = 1;
    assess(&r, 1);
    assert_int_equal(count(&r, HRQ_CADENCE_LOCK), 0);
    /* a hard runner's heart near the step rate for 3 minutes, wandering 2-4 bpm around it, reached by an
     * abrupt jump (the edge of another artifact): not a lock, it does not follow the step rate */
    clean_run(&r);
    for (int k = 100; k < 118; k++)
        r.hr[k] = r.cad[k] + 4.0f * (float)sin(k * 0.9);
    near = 0;
    for (int k = 100; k < 118; k++)
        near += fabsf(r.hr[k] - r.cad[k]) <= 5.0f;
    assert_int_equal(near, 18);
    assess(&r, 1);
    assert_int_equal(count(&r, HRQ_CADENCE_LOCK), 0);
}

static void test_cadence_per_foot_is_doubled(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    for (int k = 100; k < 130; k++)
        r.hr[k] = r.cad[k];
    for (int k = 0; k < N; k++)
        r.cad[k] *= 0.5f; /* one foot's rate, as FIT writes it */
    assess(&r, 1);
    assert_true(count(&r, HRQ_CADENCE_LOCK) >= 28);
}

static void test_lock_on(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    for (int k = 0; k < 15; k++) /* 150 s flat and low while running, then the heart is found */
        r.hr[k] = 85.0f + (float)(k % 3);
    for (int k = 15; k < 40; k++)
        r.hr[k] = 140.0f + (float)(k - 15) * 0.3f;
    assess(&r, 1);
    assert_true(count(&r, HRQ_LOCK_ON) >= 13);
    for (int k = 16; k < N; k++)
        assert_int_not_equal(r.v[k], HRQ_LOCK_ON);
    clean_run(&r); /* the ordinary rise at the start is not a lock-on */
    assess(&r, 1);
    assert_int_equal(count(&r, HRQ_LOCK_ON), 0);
}

static void test_dropout(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    for (int k = 150; k < 159; k++) /* 90 s, 40 bpm low, at a steady pace */
        r.hr[k] -= 40.0f;
    assess(&r, 1);
    assert_true(count(&r, HRQ_DROPOUT) >= 8);
    assert_true(flagged(&r) <= 10);
    /* the same fall when the runner stops is the heart's own */
    clean_run(&r);
    for (int k = 150; k < 159; k++) {
        r.speed[k] = 0.0f;
        r.hr[k] -= 40.0f;
    }
    assess(&r, 1);
    assert_int_equal(count(&r, HRQ_DROPOUT), 0);
}

static void test_dropout_while_speeding_up(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    for (int k = 0; k < N; k++) /* 2.5 m/s, then 3.5 m/s from step 148 on */
        r.speed[k] = k < 148 ? 2.5f : 3.5f;
    for (int k = 150; k < 159; k++) /* HR falls 40 bpm while the runner speeds up: not the heart */
        r.hr[k] -= 40.0f;
    assess(&r, 1);
    assert_true(count(&r, HRQ_DROPOUT) >= 8);
    assert_true(flagged(&r) <= 10);
    /* the heart rising 25 bpm as the runner speeds up is its own (no shift; no cadence channel, as the
     * new level would sit near the step rate of this series) */
    clean_run(&r);
    for (int k = 0; k < N; k++)
        r.speed[k] = k < 148 ? 2.5f : 3.5f;
    for (int k = 150; k < N; k++)
        r.hr[k] += 25.0f;
    assess(&r, 0);
    assert_int_equal(flagged(&r), 0);
}

static void test_dropout_that_ends_during_a_stop(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    for (int k = 150; k < 159; k++) /* 90 s, 40 bpm low at a steady pace ... */
        r.hr[k] -= 40.0f;
    for (int k = 159; k < 165; k++) /* ... the runner stops, the reading snaps back up to the heart ... */
        r.speed[k] = 0.0f;
    for (int k = 159; k < N; k++) { /* ... which stays 12 bpm lower afterwards at a slower pace */
        r.hr[k] -= 12.0f;
        r.speed[k] = k < 165 ? 0.0f : 2.2f;
    }
    assess(&r, 1);
    assert_true(count(&r, HRQ_DROPOUT) >= 8);
    for (int k = 159; k < N; k++)
        assert_false(hr_issue_flagged(r.v[k]));
}

static void test_stuck(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    for (int k = 200; k < 220; k++) /* 200 s of exactly one value */
        r.hr[k] = r.hr[200];
    assess(&r, 1);
    assert_int_equal(count(&r, HRQ_STUCK), 20);
    clean_run(&r);
    for (int k = 200; k < 208; k++) /* 80 s: a steady heart, not a stuck sensor */
        r.hr[k] = r.hr[200];
    assess(&r, 1);
    assert_int_equal(count(&r, HRQ_STUCK), 0);
}

/* On a coarse grid (an import with --step 81 or more) one step is never "the same value for 2 minutes": every
 * step of a clean run was flagged stuck (STUCK_MIN_S / step rounded to 1), so nothing was trusted; two equal
 * steps still are */
static void test_stuck_on_a_coarse_grid(void **state)
{
    (void)state;
    enum { M = 40 };
    float hr[M], speed[M], cad[M];
    uint8_t v[M];
    for (int k = 0; k < M; k++) {
        speed[k] = 3.0f;
        cad[k] = 172.0f;
        hr[k] = 140.0f + (float)(k % 7);
    }
    for (float step = 81; step <= 600; step *= 1.5f) {
        hr_quality_assess(hr, speed, cad, M, step, 0, v);
        int stuck = 0;
        for (int k = 0; k < M; k++)
            stuck += v[k] == HRQ_STUCK;
        assert_int_equal(stuck, 0);
    }
    hr[20] = hr[21] = hr[22] = 150.0f;
    hr_quality_assess(hr, speed, cad, M, 120, 0, v);
    assert_int_equal(v[20], HRQ_STUCK);
    assert_int_equal(v[22], HRQ_STUCK);
    assert_int_equal(v[19], HRQ_TRUSTED);
}

static void test_level_shift(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    for (int k = 120; k < 180; k++) /* 10 min 30 bpm high at a steady pace, then back */
        r.hr[k] += 30.0f;
    assess(&r, 1);
    assert_true(count(&r, HRQ_LEVEL_SHIFT) >= 58);
    assert_true(flagged(&r) <= 62);
    /* the same rise and fall starting with a faster pace (within the minute before it) is effort */
    clean_run(&r);
    for (int k = 117; k < 180; k++)
        r.speed[k] = 4.5f;
    for (int k = 120; k < 180; k++)
        r.hr[k] += 30.0f;
    assess(&r, 1);
    assert_int_equal(count(&r, HRQ_LEVEL_SHIFT), 0);
}

static void test_level_shift_soon_after_a_stop(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    for (int k = 110; k < 116; k++) /* a minute standing, HR falls 30 bpm and comes back when running */
        r.speed[k] = 0.0f;
    for (int k = 110; k < 122; k++)
        r.hr[k] -= 30.0f * (float)(k < 116 ? (k - 109) / 6.0 : (122 - k) / 6.0);
    assess(&r, 1);
    assert_int_equal(flagged(&r), 0); /* the heart's own fall and rise */
    for (int k = 119; k < 180; k++)   /* 30 s after the restart the reading jumps 40 bpm up for 10 min */
        r.hr[k] += 40.0f;
    assess(&r, 1);
    assert_true(count(&r, HRQ_LEVEL_SHIFT) >= 58);
    assert_true(flagged(&r) <= 63);
}

static void test_level_shift_at_a_slow_jog(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    for (int k = 0; k < N; k++) /* 1.3 m/s throughout: below the old 1.5 m/s "running" bound */
        r.speed[k] = 1.3f + 0.05f * (float)sin(k / 7.0);
    assess(&r, 1);
    assert_int_equal(flagged(&r), 0);
    for (int k = 120; k < 180; k++) /* 40 bpm up for 10 min: no heart does that at a steady 1.3 m/s */
        r.hr[k] += 40.0f;
    assess(&r, 1);
    assert_true(count(&r, HRQ_LEVEL_SHIFT) >= 58);
    assert_true(flagged(&r) <= 62);
}

static void test_level_shift_through_a_slower_stretch(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    /* 30 bpm high from step 120 to 200; from 140 to 160 the runner jogs at 1.8 m/s and the heart falls
     * 25 bpm, so the reading comes near the level before the shift: not the sensor coming back */
    for (int k = 140; k < 200; k++) {
        float d = k < 160 ? 25.0f * (float)(k < 146 ? (k - 139) / 6.0 : 1.0) : 25.0f * (float)(k < 166 ? (166 - k) / 6.0 : 0.0);
        r.hr[k] -= d;
        if (k < 160)
            r.speed[k] = 1.8f;
    }
    assess(&r, 1);
    assert_int_equal(flagged(&r), 0); /* the heart's own fall and rise with the pace */
    for (int k = 120; k < 200; k++)
        r.hr[k] += 30.0f;
    assess(&r, 1);
    assert_true(count(&r, HRQ_LEVEL_SHIFT) >= 78);
    assert_true(flagged(&r) <= 82);
}

static void test_dropout_not_ended_by_a_restart(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    /* a stop from 140 to 150: the heart falls 40 bpm, and rises 27 bpm in the 20 s after the restart */
    for (int k = 140; k < 150; k++)
        r.speed[k] = 0.0f;
    for (int k = 140; k < 153; k++)
        r.hr[k] -= 40.0f * (float)(k < 150 ? (k - 139) / 10.0 : (153 - k) / 3.0);
    assess(&r, 1);
    assert_int_equal(flagged(&r), 0);
    for (int k = 120; k < 175; k++) /* the reading 40 bpm low from 120 to 175, through the stop */
        r.hr[k] -= 40.0f;
    assess(&r, 1);
    /* the rise at the restart is the heart's: the segment runs on to the reading's own return */
    for (int k = 121; k < 175; k++)
        assert_true(hr_issue_flagged(r.v[k]));
    for (int k = 176; k < N; k++)
        assert_false(hr_issue_flagged(r.v[k]));
}

static void test_spike(void **state)
{
    (void)state;
    struct run r;
    clean_run(&r);
    r.hr[250] += 45.0f;
    assess(&r, 1);
    assert_int_equal(r.v[250], HRQ_SPIKE);
    assert_int_equal(flagged(&r), 1);
    clean_run(&r);
    r.hr[250] += 8.0f; /* within the heart's own wobble */
    assess(&r, 1);
    assert_int_equal(count(&r, HRQ_SPIKE), 0);
}

static void test_names_round_trip(void **state)
{
    (void)state;
    for (int r = 0; r < HRQ_COUNT; r++)
        assert_int_equal(hr_issue_parse(hr_issue_name((enum hr_issue)r)), r);
    assert_int_equal(hr_issue_parse("nonsense"), -1);
    assert_false(hr_issue_flagged(HRQ_TRUSTED));
    assert_false(hr_issue_flagged(HRQ_HR_GAP));
    assert_true(hr_issue_flagged(HRQ_CADENCE_LOCK));
    assert_true(hr_issue_flagged(HRQ_SPIKE));
}

/* A dataset of 6 series (3 athletes) whose HR is 150 except 20 flagged steps at 200. */
static void write_dataset(const char *path)
{
    struct hr_err e;
    struct dataset_writer *w = dataset_writer_open(path, STEP, &e);
    assert_non_null(w);
    const char *ath[3] = {"a", "b", "c"};
    for (int i = 0; i < 6; i++) {
        struct series s;
        assert_int_equal(series_alloc(&s, 100, STEP), 0);
        for (int k = 0; k < 100; k++) {
            S_TIME(&s)[k] = k * STEP;
            S_SPEED(&s)[k] = 3.0f;
            S_HR(&s)[k] = 150.0f;
            s.hr_issue[k] = HRQ_TRUSTED;
        }
        for (int k = 40; k < 60; k++) {
            S_HR(&s)[k] = 200.0f;
            s.hr_issue[k] = HRQ_DROPOUT + (uint8_t)(i % 2); /* dropout or stuck */
        }
        S_HR(&s)[5] = NAN;
        s.hr_issue[5] = HRQ_HR_GAP;
        snprintf(s.meta.athlete, sizeof s.meta.athlete, "%s", ath[i % 3]);
        snprintf(s.meta.hr_sensor, sizeof s.meta.hr_sensor, "strap");
        s.meta.start_time = 1.6e9 + i * 86400.0;
        assert_int_equal(dataset_writer_add(w, &s, &e), 0);
        series_free(&s);
    }
    assert_int_equal(dataset_writer_finish(w, 3, &e), 0);
}

static void test_dataset_stores_verdicts_and_reads_version_1(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/q.hrd", dir);
    write_dataset(path);
    struct dataset ds;
    struct hr_err e;
    assert_int_equal(dataset_open(path, &ds, &e), 0);
    assert_int_equal(ds.version, 2);
    struct series s;
    dataset_series(&ds, 1, &s);
    assert_non_null(s.hr_issue);
    assert_int_equal(s.hr_issue[45], HRQ_STUCK);
    assert_string_equal(s.meta.hr_sensor, "strap");
    assert_false(series_hr_trusted(&s, 45));
    assert_true(series_hr_trusted(&s, 10));
    assert_false(series_hr_trusted(&s, 5));
    long long c[HRQ_COUNT];
    assert_int_equal(dataset_hr_quality(&ds, 0, c), 0);
    assert_int_equal(c[HRQ_TRUSTED], 6 * 79);
    assert_int_equal(c[HRQ_HR_GAP], 6);
    assert_int_equal(c[HRQ_DROPOUT], 60);
    assert_int_equal(c[HRQ_STUCK], 60);
    assert_int_equal(dataset_hr_quality(&ds, 1, c), -1); /* no simulated truth in it */
    dataset_close(&ds);
    /* the same file stamped version 1: loads, no verdicts, every recorded step trusted */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    uint8_t one[4] = {1, 0, 0, 0};
    assert_int_equal(fseek(f, 8, SEEK_SET), 0);
    assert_int_equal(fwrite(one, 1, 4, f), 4);
    fclose(f);
    assert_int_equal(dataset_open(path, &ds, &e), 0);
    assert_int_equal(ds.version, 1);
    dataset_series(&ds, 1, &s);
    assert_null(s.hr_issue);
    assert_true(series_hr_trusted(&s, 45));
    assert_int_equal(dataset_hr_quality(&ds, 0, c), -1);
    dataset_close(&ds);
    remove_temp_dir(dir);
    free(dir);
}

static void test_batches_leave_flagged_steps_out_of_the_loss(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/q.hrd", dir);
    write_dataset(path);
    struct dataset ds;
    struct hr_err e;
    assert_int_equal(dataset_open(path, &ds, &e), 0);
    struct hr_lstm m; /* batch_fill needs only the features and their normaliser */
    memset(&m, 0, sizeof m);
    m.fs = feature_set_get("default");
    assert_non_null(m.fs);
    m.nz.n = m.fs->n;
    for (int j = 0; j < m.fs->n; j++)
        m.nz.std[j] = 1.0f;
    struct batch b;
    assert_int_equal(batch_alloc(&b, 2, 100, m.fs->n), 0);
    int idx[2] = {0, 1};
    for (int keep = 0; keep < 2; keep++) {
        assert_int_equal(batch_fill(&b, &ds, idx, 2, 100, &m, keep, &e), 0);
        for (int i = 0; i < 2; i++)
            for (int t = 0; t < 100; t++) {
                float *mk = b.mask + (size_t)i * 100, *tg = b.target + (size_t)i * 100;
                if (t == 5)
                    assert_float_equal(mk[t], 0.0f, 0);
                else if (t >= 40 && t < 60)
                    assert_float_equal(mk[t], keep ? 1.0f : 0.0f, 0);
                else
                    assert_float_equal(mk[t], 1.0f, 0);
                if (mk[t] != 0)
                    assert_float_equal(tg[t], t >= 40 && t < 60 ? 200.0f : 150.0f, 0);
            }
    }
    batch_free(&b);
    dataset_close(&ds);
    remove_temp_dir(dir);
    free(dir);
}

static void test_eval_scores_all_and_trusted_steps(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char path[600];
    snprintf(path, sizeof path, "%s/q.hrd", dir);
    write_dataset(path);
    struct dataset ds;
    struct hr_err e;
    assert_int_equal(dataset_open(path, &ds, &e), 0);
    struct constant_model cm = {.step = STEP, .mean = 150.0f, .sd = 10.0f};
    struct predictor p;
    assert_int_equal(constant_predictor_from_model(&cm, &p, &e), 0);
    const struct predictor *models[1] = {&p};
    const char *names[1] = {"constant"};
    int n;
    int *idx = dataset_select(&ds, -1, PART_TEST, &n);
    struct evaluation ev;
    assert_int_equal(evaluate(&ds, idx, n, models, names, 1, 1, 0, &ev, &e), 0);
    assert_int_equal(ev.steps, 6 * 99);
    assert_int_equal(ev.trusted_steps, 6 * 79);
    assert_true(ev.assessed);
    /* all recorded: 20 of 99 steps wrong by 50; trusted: none wrong */
    assert_float_equal(metric_mae(&ev.m[0].all), 50.0 * 20 / 99, 1e-4);
    assert_float_equal(metric_mae(&ev.m[0].trusted), 0.0, 1e-6);
    assert_int_equal(ev.m[0].trusted.n, 6 * 79);
    evaluation_free(&ev);
    free(idx);
    predictor_free(&p);
    dataset_close(&ds);
    remove_temp_dir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_run_has_no_flags),
        cmocka_unit_test(test_cadence_lock),
        cmocka_unit_test(test_cadence_per_foot_is_doubled),
        cmocka_unit_test(test_lock_on),
        cmocka_unit_test(test_dropout),
        cmocka_unit_test(test_dropout_while_speeding_up),
        cmocka_unit_test(test_dropout_that_ends_during_a_stop),
        cmocka_unit_test(test_stuck),
        cmocka_unit_test(test_stuck_on_a_coarse_grid),
        cmocka_unit_test(test_level_shift),
        cmocka_unit_test(test_level_shift_soon_after_a_stop),
        cmocka_unit_test(test_level_shift_at_a_slow_jog),
        cmocka_unit_test(test_level_shift_through_a_slower_stretch),
        cmocka_unit_test(test_dropout_not_ended_by_a_restart),
        cmocka_unit_test(test_spike),
        cmocka_unit_test(test_names_round_trip),
        cmocka_unit_test(test_dataset_stores_verdicts_and_reads_version_1),
        cmocka_unit_test(test_batches_leave_flagged_steps_out_of_the_loss),
        cmocka_unit_test(test_eval_scores_all_and_trusted_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
