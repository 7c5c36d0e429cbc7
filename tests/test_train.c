/* test_train.c — the training loop end to end on a small simulated dataset: the model file loads
 * as a predictor (PyTorch names, card), same seed -> same bytes, --resume -> the same bytes as an
 * uninterrupted run, the physiological-prior feature set, and training beats the constant. */
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
#include "eval/evaluate.h"
#include "model/lstm_model.h"
#include "model/constant.h"
#include "sim/sim.h"
#include "train/trainer.h"
#include "util/json.h"
#include "util/safetensors.h"
#include "simdata.h"
#include "testutil.h"

static char *g_dir;
static char g_ds[512];

static int setup(void **state)
{
    (void)state;
    g_dir = make_temp_dir();
    snprintf(g_ds, sizeof g_ds, "%s/sim.hrd", g_dir);
    return make_sim_dataset(g_ds, 6, 5, 11, 0.5);
}

static int teardown(void **state)
{
    (void)state;
    remove_temp_dir(g_dir);
    free(g_dir);
    return 0;
}

static void small_opts(struct train_opts *o)
{
    train_opts_default(o);
    o->hidden = 8;
    o->layers = 2;
    o->batch = 8;
    o->epochs = 3;
    o->lr = 5e-3f;
    o->dropout = 0.1f;
    o->max_len = 400;
    o->patience = 10;
    o->seed = 5;
}

static int files_equal(const char *a, const char *b)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", a, b);
    return system(cmd) == 0;
}

static void test_train_load_predict_deterministic(void **state)
{
    (void)state;
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_ds, &ds, &e), 0);
    struct train_opts o;
    small_opts(&o);
    char m1[600], m2[600];
    snprintf(m1, sizeof m1, "%s/m1.safetensors", g_dir);
    snprintf(m2, sizeof m2, "%s/m2.safetensors", g_dir);
    struct train_result r;
    assert_int_equal(train_lstm(&ds, &o, m1, &r, &e), 0);
    assert_int_equal(r.epochs_run, 3);
    assert_true(isfinite(r.best_val_mae));
    assert_int_equal(train_lstm(&ds, &o, m2, &r, &e), 0);
    assert_true(files_equal(m1, m2)); /* same seed and threads: the same bytes */
    /* PyTorch names and the card */
    struct safetensors st;
    assert_int_equal(st_read_file(m1, 0, &st, &e), 0);
    assert_non_null(st_find(&st, "lstm.weight_ih_l0"));
    assert_non_null(st_find(&st, "lstm.bias_hh_l1"));
    assert_non_null(st_find(&st, "fc.weight"));
    assert_string_equal(st_meta_get(&st, "model_type"), "lstm");
    assert_non_null(strstr(st_meta_get(&st, "model"), "\"normalizer\""));
    st_free(&st);
    /* loads as a predictor and predicts finite HR */
    struct predictor p;
    assert_int_equal(predictor_load(m1, &p, &e), 0);
    assert_string_equal(p.kind, "lstm");
    struct series s;
    dataset_series(&ds, 0, &s);
    float *hr = malloc(sizeof(float) * s.n);
    assert_int_equal(predictor_predict(&p, &s, hr, NULL, &e), 0);
    for (int t = 0; t < s.n; t++)
        assert_true(isfinite(hr[t]) && hr[t] > 40 && hr[t] < 230);
    free(hr);
    predictor_free(&p);
    /* a log line per epoch */
    char log[700];
    snprintf(log, sizeof log, "%s.log.jsonl", m1);
    FILE *f = fopen(log, "r");
    assert_non_null(f);
    int lines = 0;
    char buf[1024];
    while (fgets(buf, sizeof buf, f))
        lines += strstr(buf, "\"val_mae\"") != NULL;
    fclose(f);
    assert_int_equal(lines, 3);
    dataset_close(&ds);
}

static void test_resume_gives_the_same_model(void **state)
{
    (void)state;
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_ds, &ds, &e), 0);
    struct train_opts o;
    small_opts(&o);
    o.epochs = 4;
    char full[600], part[600], res[700];
    snprintf(full, sizeof full, "%s/full.safetensors", g_dir);
    snprintf(part, sizeof part, "%s/part.safetensors", g_dir);
    struct train_result r;
    assert_int_equal(train_lstm(&ds, &o, full, &r, &e), 0);
    /* a run "killed" after 2 epochs: train 2, put the resume file back, continue to 4 */
    o.epochs = 2;
    assert_int_equal(train_lstm(&ds, &o, part, &r, &e), 0);
    snprintf(res, sizeof res, "%s.resume", part);
    assert_int_equal(access(res, F_OK), -1); /* a finished run removes its resume file */
    o.epochs = 4;
    o.resume = 1;
    assert_int_equal(train_lstm(&ds, &o, part, &r, &e), -1); /* nothing to resume */
    assert_non_null(strstr(e.msg, "nothing to resume"));
    dataset_close(&ds);
}

static void test_interrupted_run_resumes_identically(void **state)
{
    (void)state;
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_ds, &ds, &e), 0);
    struct train_opts o;
    small_opts(&o);
    o.epochs = 4;
    char full[600], part[600];
    snprintf(full, sizeof full, "%s/f4.safetensors", g_dir);
    snprintf(part, sizeof part, "%s/p4.safetensors", g_dir);
    struct train_result r;
    assert_int_equal(train_lstm(&ds, &o, full, &r, &e), 0);
    /* the interrupted run: time budget stops it after epoch 1, keeping the resume file */
    o.time_budget = 1e-9;
    assert_int_equal(train_lstm(&ds, &o, part, &r, &e), 0);
    assert_int_equal(r.epochs_run, 1);
    o.time_budget = 0;
    o.resume = 1;
    assert_int_equal(train_lstm(&ds, &o, part, &r, &e), 0);
    assert_int_equal(r.epochs_run, 4);
    assert_true(files_equal(full, part));
    dataset_close(&ds);
}

/* the card's "training" object of a model file (the caller frees *root) */
static const struct json *training_of(const char *path, struct json **root)
{
    struct safetensors st;
    struct hr_err e = {{0}};
    assert_int_equal(st_read_file(path, 0, &st, &e), 0);
    const char *card = st_meta_get(&st, "model");
    assert_non_null(card);
    assert_int_equal(json_parse(card, strlen(card), path, root, &e), 0);
    st_free(&st);
    const struct json *t = json_get(*root, "training");
    assert_non_null(t);
    return t;
}

/* One runner's own runs: the athlete split has no validation part, so the default is the chronological
 * split (validated on the athlete's later workouts); asking for the athlete split is refused rather than
 * choosing the best epoch on training data; --epochs 0 is refused. */
static void test_one_athlete_trains_on_the_chrono_split(void **state)
{
    (void)state;
    char one[600], out[600];
    snprintf(one, sizeof one, "%s/one.hrd", g_dir);
    snprintf(out, sizeof out, "%s/one.safetensors", g_dir);
    assert_int_equal(make_sim_dataset(one, 1, 12, 3, 0.5), 0);
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(one, &ds, &e), 0);
    struct train_opts o;
    small_opts(&o);
    o.split = SPLIT_ATHLETE;
    struct train_result r;
    assert_int_equal(train_lstm(&ds, &o, out, &r, &e), -1);
    assert_non_null(strstr(e.msg, "validation part of the athlete split"));
    assert_non_null(strstr(e.msg, "--split chrono"));
    assert_int_equal(access(out, F_OK), -1);
    o.epochs = 0;
    o.split = TRAIN_SPLIT_AUTO;
    assert_int_equal(train_lstm(&ds, &o, out, &r, &e), -1);
    assert_non_null(strstr(e.msg, "untrained"));
    o.epochs = 2;
    assert_int_equal(train_lstm(&ds, &o, out, &r, &e), 0);
    assert_int_equal(r.split, SPLIT_CHRONO);
    int n_val;
    free(dataset_select(&ds, SPLIT_CHRONO, PART_VAL, &n_val));
    assert_true(n_val > 0);
    assert_int_equal(r.n_val, n_val);
    struct json *root;
    const struct json *t = training_of(out, &root);
    assert_string_equal(json_get_str(t, "split", ""), "chrono");
    assert_int_equal((int)json_get_num(t, "val_workouts", 0), n_val);
    json_free(root);
    dataset_close(&ds);
}

/* --resume: another dataset and a changed option are refused with one line naming them; options not
 * given are taken from the run; the finished card counts every epoch run (across the resume). */
static void test_resume_checks_dataset_and_options(void **state)
{
    (void)state;
    char one[600], part[600];
    snprintf(one, sizeof one, "%s/one.hrd", g_dir); /* made by the previous test */
    snprintf(part, sizeof part, "%s/rc.safetensors", g_dir);
    struct dataset ds, other;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_ds, &ds, &e), 0);
    if (access(one, F_OK) != 0)
        assert_int_equal(make_sim_dataset(one, 1, 12, 3, 0.5), 0);
    assert_int_equal(dataset_open(one, &other, &e), 0);
    struct train_opts o;
    small_opts(&o);
    o.epochs = 6;
    o.lr = 0.3f; /* large steps: the best epoch comes before the last */
    o.time_budget = 1e-9; /* stops after epoch 1, keeping the resume file */
    struct train_result r;
    assert_int_equal(train_lstm(&ds, &o, part, &r, &e), 0);
    o.time_budget = 0;
    o.resume = 1;
    assert_int_equal(train_lstm(&other, &o, part, &r, &e), -1);
    assert_non_null(strstr(e.msg, "another dataset"));
    o.hidden = 16;
    o.given = TO_HIDDEN;
    assert_int_equal(train_lstm(&ds, &o, part, &r, &e), -1);
    assert_non_null(strstr(e.msg, "--hidden 16 differs from the run being resumed (8)"));
    o.given = 0; /* not given: the run's own 8 is kept */
    o.lr = 1e-4f;
    /* --epochs no more than the epochs run already: refused, the resume file kept (it printed "resuming at
     * epoch 2 of 1", wrote the model and removed the resume file) */
    o.epochs = 1;
    assert_int_equal(train_lstm(&ds, &o, part, &r, &e), -1);
    assert_non_null(strstr(e.msg, "has run 1 epoch already and --epochs is 1: no epoch is left to run; resume with "
                                  "--epochs above 1"));
    char res[620];
    snprintf(res, sizeof res, "%s.resume", part);
    assert_int_equal(access(res, F_OK), 0);
    o.epochs = 6;
    assert_int_equal(train_lstm(&ds, &o, part, &r, &e), 0);
    assert_int_equal(r.epochs_run, 6);
    assert_true(r.best_epoch < r.epochs_run);
    struct json *root;
    const struct json *t = training_of(part, &root);
    assert_int_equal((int)json_get_num(t, "epochs_run", 0), 6);
    assert_int_equal((int)json_get_num(t, "best_epoch", 0), r.best_epoch);
    assert_float_equal(json_get_num(t, "lr", 0), 0.3, 1e-6);
    assert_int_equal((int)json_get_num(json_get(root, "architecture"), "hidden_size", 0), 8);
    json_free(root);
    dataset_close(&other);
    dataset_close(&ds);
}

static void test_prior_features_and_beating_constant(void **state)
{
    (void)state;
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_ds, &ds, &e), 0);
    struct train_opts o;
    small_opts(&o);
    snprintf(o.features, sizeof o.features, "default+physio");
    o.epochs = 8;
    o.hidden = 16;
    char m[600];
    snprintf(m, sizeof m, "%s/prior.safetensors", g_dir);
    struct train_result r;
    assert_int_equal(train_lstm(&ds, &o, m, &r, &e), 0);
    /* the prior holds each training athlete's own parameters; an unknown athlete gets the population */
    struct hr_lstm hl;
    assert_int_equal(hr_lstm_load(m, &hl, &e), 0);
    assert_true(hl.prior.n_ath >= 2);
    struct series s0;
    dataset_series(&ds, 0, &s0);
    struct series known = s0, unknown = s0;
    snprintf(known.meta.athlete, sizeof known.meta.athlete, "%s", hl.prior.ath[0].id);
    snprintf(unknown.meta.athlete, sizeof unknown.meta.athlete, "nobody");
    float *h1 = malloc(sizeof(float) * s0.n), *h2 = malloc(sizeof(float) * s0.n);
    assert_int_equal(hr_lstm_predict(&hl, &known, h1, NULL, &e), 0);
    assert_int_equal(hr_lstm_predict(&hl, &unknown, h2, NULL, &e), 0);
    assert_memory_not_equal(h1, h2, sizeof(float) * s0.n);
    free(h1);
    free(h2);
    hr_lstm_free(&hl);
    struct predictor p;
    assert_int_equal(predictor_load(m, &p, &e), 0);
    /* on the training split the model must do better than predicting the mean */
    int n;
    int *idx = dataset_select(&ds, SPLIT_ATHLETE, PART_TRAIN, &n);
    struct series *v = calloc(n, sizeof *v);
    const struct series **sp = calloc(n, sizeof *sp);
    for (int i = 0; i < n; i++) {
        dataset_series(&ds, idx[i], &v[i]);
        sp[i] = &v[i];
    }
    struct constant_model cm;
    struct predictor pc;
    assert_int_equal(constant_model_fit(&cm, sp, n, 1000000, &e), 0); /* global mean only */
    assert_int_equal(constant_predictor_from_model(&cm, &pc, &e), 0);
    const struct predictor *pp[2] = {&p, &pc};
    const char *names[2] = {"lstm", "constant"};
    struct evaluation ev;
    assert_int_equal(evaluate(&ds, idx, n, pp, names, 2, 1, 0, &ev, &e), 0);
    assert_true(metric_mae(&ev.m[0].all) < metric_mae(&ev.m[1].all));
    evaluation_free(&ev);
    predictor_free(&p);
    predictor_free(&pc);
    free(v);
    free(sp);
    free(idx);
    dataset_close(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train_load_predict_deterministic),
        cmocka_unit_test(test_resume_gives_the_same_model),
        cmocka_unit_test(test_interrupted_run_resumes_identically),
        cmocka_unit_test(test_one_athlete_trains_on_the_chrono_split),
        cmocka_unit_test(test_resume_checks_dataset_and_options),
        cmocka_unit_test(test_prior_features_and_beating_constant),
    };
    return cmocka_run_group_tests_name("train", tests, setup, teardown);
}
