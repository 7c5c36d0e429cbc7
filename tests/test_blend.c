/* test_blend.c — the physio-residual blend (model/blend.h, train/blend_fit.h): the alpha chosen on the
 * grid is the one with the least MAE and never worse than physio alone; the table's lookup and its card
 * JSON; a trained physio-residual model carries its blend, never reads the HR of the workout it predicts
 * (the HR corrupted: the same predictions), and a finetune on a runner its prior does not know fits that
 * runner's physiological parameters and alpha. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/blend.h"
#include "model/lstm_model.h"
#include "train/blend_fit.h"
#include "train/finetune.h"
#include "train/trainer.h"
#include "util/json.h"
#include "simdata.h"

static struct sim_fixture g_fx;

static int setup(void **state)
{
    (void)state;
    return sim_fixture_open(&g_fx, 6, 10, 21, 0.3);
}

static int teardown(void **state)
{
    (void)state;
    sim_fixture_close(&g_fx);
    return 0;
}

static void test_grid_picks_the_least_mae(void **state)
{
    (void)state;
    enum { N = 50 };
    float prior[N], net[N], target[N];
    for (int t = 0; t < N; t++) { /* HR = physio + 0.4 x network exactly */
        prior[t] = 120.0f + (float)(t % 7);
        net[t] = (float)((t * 37) % 11) - 5.0f;
        target[t] = prior[t] + 0.4f * net[t];
    }
    target[3] = NAN; /* skipped */
    struct blend_acc a;
    blend_acc_reset(&a);
    assert_int_equal(blend_acc_best(&a), -1); /* nothing added: no choice */
    blend_acc_add(&a, prior, net, target, N);
    assert_int_equal(a.n, N - 1);
    int k = blend_acc_best(&a);
    assert_float_equal(blend_grid_alpha(k), 0.4f, 1e-6);
    assert_true(blend_acc_mae(&a, k) < 1e-4);
    assert_float_equal(blend_grid_alpha(0), 0.0f, 0);
    assert_float_equal(blend_grid_alpha(BLEND_GRID - 1), 1.0f, 0);
    /* a network that only adds noise: alpha 0, physio alone */
    for (int t = 0; t < N; t++)
        target[t] = prior[t];
    blend_acc_reset(&a);
    blend_acc_add(&a, prior, net, target, N);
    assert_int_equal(blend_acc_best(&a), 0);
    /* a network of zeros: every alpha ties, the smallest wins */
    float zero[N] = {0};
    blend_acc_reset(&a);
    blend_acc_add(&a, prior, zero, net, N);
    assert_int_equal(blend_acc_best(&a), 0);
}

static void test_never_worse_than_physio(void **state)
{
    (void)state;
    enum { N = 400 };
    float prior[N], net[N], target[N];
    unsigned x = 12345;
    for (int trial = 0; trial < 20; trial++) {
        for (int t = 0; t < N; t++) {
            x = x * 1103515245u + 12345u;
            prior[t] = 100.0f + (float)(x >> 24) / 4.0f;
            x = x * 1103515245u + 12345u;
            net[t] = (float)((int)(x >> 25) - 64) / 8.0f;
            x = x * 1103515245u + 12345u;
            target[t] = prior[t] + (float)((int)(x >> 26) - 32) / (float)(trial + 1);
        }
        struct blend_acc a;
        blend_acc_reset(&a);
        blend_acc_add(&a, prior, net, target, N);
        int k = blend_acc_best(&a);
        assert_true(k >= 0);
        for (int j = 0; j < BLEND_GRID; j++)
            assert_true(blend_acc_mae(&a, k) <= blend_acc_mae(&a, j));
    }
}

static void test_table_and_json(void **state)
{
    (void)state;
    struct blend b;
    blend_init(&b);
    assert_float_equal(blend_lookup(&b, "anyone"), 1.0f, 0); /* a model in training: the whole network */
    b.alpha = 0.35f;
    assert_int_equal(blend_set(&b, "zed", 0.9f), 0);
    assert_int_equal(blend_set(&b, "amy", 0.1f), 0);
    assert_int_equal(blend_set(&b, "zed", 0.55f), 0); /* replaced */
    assert_int_equal(b.n, 2);
    assert_string_equal(b.ath[0].id, "amy");
    assert_float_equal(blend_lookup(&b, "zed"), 0.55f, 0);
    assert_float_equal(blend_lookup(&b, "nobody"), 0.35f, 0);
    assert_float_equal(blend_lookup(&b, ""), 0.35f, 0);
    assert_float_equal(blend_lookup(&b, NULL), 0.35f, 0);
    struct jw w;
    jw_init_buf(&w, 0);
    blend_write_json(&b, &w);
    char *text = jw_take(&w, NULL);
    assert_non_null(strstr(text, "\"zed\":0.55")); /* the float's shortest decimal */
    struct json *j = NULL;
    struct hr_err e = {{0}};
    assert_int_equal(json_parse(text, strlen(text), "card", &j, &e), 0);
    struct blend c;
    assert_int_equal(blend_read_json(&c, j, "m.safetensors", &e), 0);
    assert_float_equal(c.alpha, 0.35f, 0);
    assert_int_equal(c.n, 2);
    assert_float_equal(blend_lookup(&c, "amy"), 0.1f, 0);
    assert_float_equal(blend_lookup(&c, "zed"), 0.55f, 0);
    blend_free(&c);
    json_free(j);
    free(text);
    /* an alpha outside [0, 1]: one line naming the file */
    const char *bad[] = {"{\"alpha\": 1.5, \"athletes\": {}}", "{\"athletes\": {}}",
                         "{\"alpha\": 0.5, \"athletes\": {\"a\": -0.1}}", "{\"alpha\": 0.5, \"athletes\": [0.3]}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(json_parse(bad[i], strlen(bad[i]), "card", &j, &e), 0);
        assert_int_equal(blend_read_json(&c, j, "m.safetensors", &e), -1);
        assert_non_null(strstr(e.msg, "m.safetensors"));
        json_free(j);
    }
    blend_free(&b);
    /* the default learning rate (train, finetune) follows the feature set */
    assert_float_equal(train_default_lr("physio-residual"), 2e-3f, 0);
    assert_float_equal(train_default_lr("default+physio"), 5e-4f, 0);
    assert_float_equal(train_default_lr(""), 5e-4f, 0);
}

/* A tiny physio-residual model with the default options otherwise on split, written to g_fx.dir/name
 * (path: its path). */
static void train_tiny(const struct dataset *ds, int split, const char *name, char *path, size_t cap)
{
    struct train_opts o;
    train_opts_default(&o);
    o.hidden = 8;
    o.batch = 8;
    o.epochs = 2;
    o.lr = 5e-3f;
    o.max_len = 300;
    o.seed = 3;
    o.split = split;
    snprintf(o.features, sizeof o.features, "%s", "physio-residual");
    snprintf(path, cap, "%s/%s", g_fx.dir, name);
    struct train_result r;
    struct hr_err e = {{0}};
    assert_int_equal(train_lstm(ds, &o, path, &r, &e), 0);
}

/* a writable copy of a dataset series */
static void series_copy(struct series *dst, const struct series *src)
{
    assert_int_equal(series_alloc(dst, src->n, src->step), 0);
    for (int c = 0; c < CH_COUNT; c++)
        memcpy(dst->ch[c], src->ch[c], sizeof(float) * (size_t)src->n);
    dst->meta = src->meta;
}

static void test_model_carries_blend_and_ignores_the_workouts_hr(void **state)
{
    (void)state;
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_fx.path, &ds, &e), 0);
    char m[600]; /* the chrono split: every athlete known to the prior, each with validation workouts */
    train_tiny(&ds, SPLIT_CHRONO, "res.safetensors", m, sizeof m);
    struct hr_lstm hl;
    assert_int_equal(hr_lstm_load(m, &hl, &e), 0);
    assert_string_equal(hl.fs->name, "physio-residual");
    assert_int_equal(hl.fs->n, 15);
    assert_int_equal(hl.blend.n, 6); /* every athlete has its own alpha */
    assert_true(hl.blend.val_mae <= hl.blend.physio_val_mae); /* never worse than physio on validation */
    int n_test;
    int *test = dataset_select(&ds, SPLIT_CHRONO, PART_TEST, &n_test);
    assert_true(n_test > 0);
    struct series view, s;
    dataset_series(&ds, test[0], &view);
    series_copy(&s, &view);
    float *a = malloc(sizeof(float) * (size_t)s.n), *b = malloc(sizeof(float) * (size_t)s.n),
          *prior = malloc(sizeof(float) * (size_t)s.n);
    assert_int_equal(hr_lstm_predict(&hl, &s, a, NULL, &e), 0);
    /* physio + alpha x network, alpha the athlete's */
    blend_free(&hl.blend);
    assert_int_equal(blend_set(&hl.blend, s.meta.athlete, 0.0f), 0);
    assert_int_equal(hr_lstm_predict(&hl, &s, b, NULL, &e), 0);
    hr_lstm_prior(&hl, &s, prior);
    assert_memory_equal(b, prior, sizeof(float) * (size_t)s.n);
    /* the workout's own HR corrupted: every prediction bit-identical */
    for (int t = 0; t < s.n; t++)
        S_HR(&s)[t] = t % 3 ? 220.0f - S_HR(&s)[t] * 0.5f : NAN;
    hr_lstm_free(&hl);
    assert_int_equal(hr_lstm_load(m, &hl, &e), 0);
    assert_int_equal(hr_lstm_predict(&hl, &s, b, NULL, &e), 0);
    assert_memory_equal(a, b, sizeof(float) * (size_t)s.n);
    free(a);
    free(b);
    free(prior);
    free(test);
    series_free(&s);
    hr_lstm_free(&hl);
    dataset_close(&ds);
}

static void test_finetune_fits_a_new_runners_prior_and_alpha(void **state)
{
    (void)state;
    struct dataset ds;
    struct hr_err e = {{0}};
    assert_int_equal(dataset_open(g_fx.path, &ds, &e), 0);
    char base[600], personal[600]; /* the athlete split: the test part's athletes unknown to the base's prior */
    train_tiny(&ds, SPLIT_ATHLETE, "base.safetensors", base, sizeof base);
    snprintf(personal, sizeof personal, "%s/personal.safetensors", g_fx.dir);
    struct train_result r;
    struct hr_lstm hb, hp;
    assert_int_equal(hr_lstm_load(base, &hb, &e), 0);
    const char *athlete = NULL;
    for (int i = 0; i < ds.n && !athlete; i++)
        if (ds.split[SPLIT_ATHLETE][i] == PART_TEST)
            athlete = ds.meta[i].athlete;
    assert_non_null(athlete);
    assert_ptr_equal(physio_model_lookup(&hb.prior, athlete), &hb.prior.pop); /* unknown to the base */
    struct finetune_opts fo;
    finetune_opts_default(&fo);
    fo.base_model = base;
    fo.athlete = athlete;
    fo.epochs = 2;
    fo.dataset_path = g_fx.path;
    assert_int_equal(finetune_lstm(&ds, &fo, personal, &r, &e), 0);
    assert_int_equal(hr_lstm_load(personal, &hp, &e), 0);
    const struct physio_params *q = physio_model_lookup(&hp.prior, athlete);
    assert_ptr_not_equal(q, &hp.prior.pop); /* fitted on the runner's training part */
    assert_true(q->n_valid > 0);
    assert_int_equal(hp.blend.n, 1);
    assert_string_equal(hp.blend.ath[0].id, athlete);
    assert_true(hp.blend.val_mae <= hp.blend.physio_val_mae);
    hr_lstm_free(&hb);
    hr_lstm_free(&hp);
    dataset_close(&ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_picks_the_least_mae),
        cmocka_unit_test(test_never_worse_than_physio),
        cmocka_unit_test(test_table_and_json),
        cmocka_unit_test(test_model_carries_blend_and_ignores_the_workouts_hr),
        cmocka_unit_test(test_finetune_fits_a_new_runners_prior_and_alpha),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
