/* test_finetune.c — personalisation (src/train/finetune.h): the athlete's selections (own earlier
 * workouts, validation fallback by date), and a fine-tune on a small simulated cohort where one
 * athlete's physiology differs from the others: the personal model loads, carries its provenance, and
 * its validation MAE on that athlete is no worse than the base model's. Tiny network, few epochs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "data/ingest.h"
#include "eval/metrics.h"
#include "model/lstm_model.h"
#include "model/predictor.h"
#include "sim/sim.h"
#include "support/testutil.h"
#include "eval/seen.h"
#include "train/finetune.h"
#include "util/log.h"

enum { ATHLETES = 4, WORKOUTS = 14, ODD = 3 };

/* Simulated cohort of short workouts; athlete ODD runs 25 bpm higher with a larger gain. */
static void make_dataset(const char *path)
{
    struct sim_cohort c;
    assert_int_equal(sim_cohort_init(&c, ATHLETES, 7), 0);
    c.athletes[ODD].offset += 25;
    c.athletes[ODD].gain *= 1.5;
    c.athletes[ODD].hr_max = 225;
    struct prep_opts po;
    prep_opts_default(&po);
    struct ingest g;
    struct hr_err e = {{0}};
    assert_int_equal(ingest_open(&g, path, &po, &e), 0);
    struct sim_options so = {.noise_free = 0, .duration_scale = 0.35};
    struct workout w;
    workout_init(&w);
    for (int a = 0; a < ATHLETES; a++)
        for (int k = 0; k < WORKOUTS; k++) {
            assert_int_equal(sim_workout_ex(&c.athletes[a], k, sim_schedule_kind(&c.athletes[a], k), 7, &so, &w, NULL), 0);
            assert_int_equal(ingest_sink(&g, &w), 0);
        }
    workout_free(&w);
    assert_int_equal(ingest_finish(&g, 7, "test_finetune cohort", &e), 0);
    sim_cohort_free(&c);
}

static double mae_on(const struct predictor *p, const struct dataset *ds, const int *idx, int n)
{
    struct metric_acc acc;
    metric_reset(&acc);
    for (int i = 0; i < n; i++) {
        struct series s;
        dataset_series(ds, idx[i], &s);
        float *hr = malloc(sizeof(float) * (size_t)s.n), *target = malloc(sizeof(float) * (size_t)s.n);
        struct hr_err e = {{0}};
        assert_int_equal(predictor_predict(p, &s, hr, NULL, &e), 0);
        for (int t = 0; t < s.n; t++) /* validation scores the trusted steps (HR-quality stage) */
            target[t] = series_hr_trusted(&s, t) ? S_HR(&s)[t] : NAN;
        metric_add(&acc, hr, target, s.n);
        free(hr);
        free(target);
    }
    return metric_mae(&acc);
}

static void test_finetune_adapts_an_odd_athlete(void **state)
{
    (void)state;
    hr_log_set_level(HR_LOG_QUIET);
    char *dir = make_temp_dir();
    char ds_path[512], base[512], personal[512];
    snprintf(ds_path, sizeof ds_path, "%s/sim.hrd", dir);
    snprintf(base, sizeof base, "%s/base.safetensors", dir);
    snprintf(personal, sizeof personal, "%s/personal.safetensors", dir);
    make_dataset(ds_path);
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(ds_path, &ds, &e), 0);
    const char *odd = ds.meta[0].athlete; /* find the odd athlete's id: the ODD-th distinct name */
    {
        int distinct = 0;
        for (int i = 0; i < ds.n; i++)
            if (i == 0 || strcmp(ds.meta[i].athlete, ds.meta[i - 1].athlete))
                if (distinct++ == ODD)
                    odd = ds.meta[i].athlete;
    }

    /* base: the other athletes only */
    int *tr = malloc(sizeof(int) * (size_t)ds.n), nt = 0;
    for (int i = 0; i < ds.n; i++)
        if (strcmp(ds.meta[i].athlete, odd))
            tr[nt++] = i;
    assert_true(nt > 20);
    struct train_opts o;
    train_opts_default(&o);
    o.hidden = 8;
    o.layers = 2;
    o.epochs = 3;
    o.batch = 8;
    o.lr = 1e-2f;
    o.train_idx = tr;
    o.n_train = nt;
    o.val_idx = tr;
    o.n_val = 0;
    struct train_result r;
    /* no validation workouts: refused, never validated on the training workouts */
    assert_int_equal(train_lstm(&ds, &o, base, &r, &e), -1);
    assert_non_null(strstr(e.msg, "no validation workouts"));
    assert_int_equal(access(base, F_OK), -1);
    o.n_train = nt - 6; /* the last 6 of the other athletes' workouts validate */
    o.val_idx = tr + nt - 6;
    o.n_val = 6;
    assert_int_equal(train_lstm(&ds, &o, base, &r, &e), 0);

    /* selections: the athlete's chrono train and val parts, dated order, nothing of the test part */
    int *ftr, *fva, nftr, nfva, fb;
    assert_int_equal(finetune_select(&ds, odd, SPLIT_CHRONO, 0.15f, &ftr, &nftr, &fva, &nfva, &fb, &e), 0);
    assert_true(nftr >= 5 && nfva >= 1);
    for (int i = 0; i < nftr; i++) {
        assert_string_equal(ds.meta[ftr[i]].athlete, odd);
        assert_int_equal(ds.split[SPLIT_CHRONO][ftr[i]], PART_TRAIN);
        if (i)
            assert_true(ds.meta[ftr[i]].start_time >= ds.meta[ftr[i - 1]].start_time);
    }
    for (int i = 0; i < nfva; i++)
        assert_int_equal(ds.split[SPLIT_CHRONO][fva[i]], PART_VAL);

    struct predictor pb;
    assert_int_equal(predictor_load(base, &pb, &e), 0);
    double base_mae = mae_on(&pb, &ds, fva, nfva);
    predictor_free(&pb);

    struct finetune_opts fo;
    finetune_opts_default(&fo);
    fo.base_model = base;
    fo.athlete = odd;
    fo.epochs = 4;
    fo.lr = 5e-3f;
    fo.dataset_path = ds_path;
    assert_int_equal(finetune_lstm(&ds, &fo, personal, &r, &e), 0);
    assert_int_equal(r.n_train, nftr);
    assert_int_equal(r.n_val, nfva);

    struct predictor pp;
    assert_int_equal(predictor_load(personal, &pp, &e), 0);
    assert_string_equal(pp.kind, "lstm");
    assert_non_null(strstr(pp.metadata_json, "\"base_model\""));
    assert_non_null(strstr(pp.metadata_json, base));
    assert_non_null(strstr(pp.metadata_json, odd));
    assert_non_null(strstr(pp.metadata_json, "\"finetune\""));
    double ft_mae = mae_on(&pp, &ds, fva, nfva);
    /* what the personal model saw (eval's overlap check): its own workouts and its base's, nothing else */
    struct seen_report sr;
    assert_int_equal(seen_check(pp.metadata_json, &ds, ftr, nftr, &sr, &e), 0);
    assert_true(sr.checked);
    assert_int_equal(sr.n_train, nftr);
    assert_int_equal(seen_check(pp.metadata_json, &ds, fva, nfva, &sr, &e), 0);
    assert_int_equal(sr.n_train, 0);
    assert_int_equal(sr.n_val, nfva);
    assert_int_equal(seen_check(pp.metadata_json, &ds, tr, nt, &sr, &e), 0); /* the base's selection */
    assert_int_equal(sr.n_train, nt - 6);
    assert_int_equal(sr.n_val, 6);
    int n_test;
    int *test = dataset_select(&ds, SPLIT_CHRONO, PART_TEST, &n_test);
    int n_odd_test = 0;
    for (int i = 0; i < n_test; i++)
        if (!strcmp(ds.meta[test[i]].athlete, odd))
            test[n_odd_test++] = test[i];
    assert_true(n_odd_test > 0);
    assert_int_equal(seen_check(pp.metadata_json, &ds, test, n_odd_test, &sr, &e), 0);
    assert_int_equal(sr.n_train + sr.n_val, 0); /* the athlete's later runs: unseen */
    free(test);
    predictor_free(&pp);
    fprintf(stderr, "odd athlete %s: base val MAE %.2f, finetuned %.2f\n", odd, base_mae, ft_mae);
    assert_true(isfinite(base_mae) && isfinite(ft_mae));
    assert_true(ft_mae <= base_mae);
    assert_true(fabs(ft_mae - r.best_val_mae) < 0.05);

    /* freeze lstm: only the head moves, so the LSTM tensors are byte-identical to the base */
    fo.freeze = FT_FREEZE_LSTM;
    fo.epochs = 1;
    assert_int_equal(finetune_lstm(&ds, &fo, personal, &r, &e), 0);
    struct hr_lstm mb, mp;
    assert_int_equal(hr_lstm_load(base, &mb, &e), 0);
    assert_int_equal(hr_lstm_load(personal, &mp, &e), 0);
    size_t lstm_n = (size_t)(mb.net.fc_w - mb.net.params);
    assert_memory_equal(mb.net.params, mp.net.params, sizeof(float) * lstm_n);
    assert_true(memcmp(mb.net.fc_w, mp.net.fc_w, sizeof(float) * (size_t)mb.net.cfg.hidden) != 0);
    hr_lstm_free(&mb);
    hr_lstm_free(&mp);

    /* freeze embedding: only layer 0's gate biases and the output bias move */
    fo.freeze = FT_FREEZE_EMBED;
    fo.lr = 5e-3f;
    assert_int_equal(finetune_lstm(&ds, &fo, personal, &r, &e), 0);
    assert_int_equal(hr_lstm_load(base, &mb, &e), 0);
    assert_int_equal(hr_lstm_load(personal, &mp, &e), 0);
    size_t H4 = (size_t)(4 * mb.net.cfg.hidden);
    size_t b0 = (size_t)(mb.net.p[0].b_ih - mb.net.params), fcb = (size_t)(mb.net.fc_b - mb.net.params);
    size_t fcw = (size_t)(mb.net.fc_w - mb.net.params);
    for (size_t i = 0; i < mb.net.n_params; i++) {
        int may_move = (i >= b0 && i < b0 + 2 * H4) || i == fcb;
        /* the head's weights only pass through the target scaling's unfold and fold: rounding */
        if (i >= fcw && i < fcb && fabs(mb.net.params[i] - mp.net.params[i]) <= 1e-5 * (1 + fabs(mb.net.params[i])))
            continue;
        if (!may_move && mb.net.params[i] != mp.net.params[i])
            fail_msg("parameter %zu of %zu moved under --freeze embedding: %g -> %g", i, mb.net.n_params, (double)mb.net.params[i], (double)mp.net.params[i]);
    }
    assert_true(memcmp(mb.net.params + b0, mp.net.params + b0, sizeof(float) * 2 * H4) != 0);
    hr_lstm_free(&mb);
    hr_lstm_free(&mp);
    assert_int_equal(predictor_load(personal, &pp, &e), 0);
    assert_non_null(strstr(pp.metadata_json, "\"embedding\""));
    predictor_free(&pp);

    free(ftr);
    free(fva);
    free(tr);
    dataset_close(&ds);
    remove_temp_dir(dir);
    free(dir);
}

static void test_select_falls_back_to_the_last_train_workouts(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char ds_path[512];
    snprintf(ds_path, sizeof ds_path, "%s/sim.hrd", dir);
    make_dataset(ds_path);
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(ds_path, &ds, &e), 0);
    const char *a = ds.meta[0].athlete;
    /* empty the athlete's val part in the mapped copy of the split table */
    int n_before = 0;
    for (int i = 0; i < ds.n; i++)
        if (!strcmp(ds.meta[i].athlete, a) && ds.split[SPLIT_CHRONO][i] == PART_VAL)
            ds.split[SPLIT_CHRONO][i] = PART_TEST;
        else if (!strcmp(ds.meta[i].athlete, a) && ds.split[SPLIT_CHRONO][i] == PART_TRAIN)
            n_before++;
    int *tr, *va, nt, nv, fb;
    assert_int_equal(finetune_select(&ds, a, SPLIT_CHRONO, 0.15f, &tr, &nt, &va, &nv, &fb, &e), 0);
    assert_int_equal(fb, 1);
    assert_int_equal(nt + nv, n_before);
    assert_int_equal(nv, (int)ceil(0.15 * n_before));
    assert_true(ds.meta[va[0]].start_time >= ds.meta[tr[nt - 1]].start_time); /* later by date */
    free(tr);
    free(va);
    assert_int_equal(finetune_select(&ds, "nobody", SPLIT_CHRONO, 0.15f, &tr, &nt, &va, &nv, &fb, &e), -1);
    assert_non_null(strstr(e.msg, "nobody"));
    assert_int_equal(finetune_freeze_parse("lower"), FT_FREEZE_LOWER);
    assert_int_equal(finetune_freeze_parse("head"), FT_FREEZE_LSTM);
    assert_int_equal(finetune_freeze_parse("embedding"), FT_FREEZE_EMBED);
    assert_int_equal(finetune_freeze_parse("x"), -1);
    dataset_close(&ds);
    remove_temp_dir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finetune_adapts_an_odd_athlete),
        cmocka_unit_test(test_select_falls_back_to_the_last_train_workouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
