/* test_model_load.c — model files whose card contradicts their tensors, or that cannot be a working model, are
 * refused at load (or at prediction) with one line: an LSTM card with fewer layers than its tensors, another gate
 * order, another type, feature names that are not its set's, a fractional size; a grid step outside 0.5-600 s;
 * a physio or constant model listing an athlete twice; an LSTM whose output is no heart's. The files are
 * written here from a small model saved by the library, then edited byte by byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/constant.h"
#include "model/lstm_model.h"
#include "model/physio.h"
#include "model/predictor.h"
#include "util/safetensors.h"
#include "testutil.h"

static char *g_dir;
static char g_lstm[512], g_physio[512], g_const[512];

static int setup(void **state)
{
    (void)state;
    g_dir = make_temp_dir();
    snprintf(g_lstm, sizeof g_lstm, "%s/m.safetensors", g_dir);
    snprintf(g_physio, sizeof g_physio, "%s/p.safetensors", g_dir);
    snprintf(g_const, sizeof g_const, "%s/c.safetensors", g_dir);
    struct hr_lstm m;
    memset(&m, 0, sizeof m);
    m.fs = feature_set_get("default");
    struct lstm_cfg cfg = {.in = m.fs->n, .hidden = 8, .layers = 2, .out = 1, .dropout = 0};
    struct hr_err e;
    if (lstm_model_init(&m.net, &cfg, 3, &e))
        return -1;
    lstm_init_output_bias(&m.net, 140.0f, 0.0f);
    m.nz.n = m.fs->n;
    for (int f = 0; f < m.fs->n; f++) {
        m.nz.mean[f] = 0;
        m.nz.std[f] = 1000;
    }
    m.step = 10;
    snprintf(m.loss, sizeof m.loss, "mse");
    m.hr_mean = 140;
    physio_model_init(&m.prior, 10);
    blend_init(&m.blend);
    hr_scale_init(&m.scale);
    int rc = hr_lstm_save(&m, g_lstm, NULL, &e);
    hr_lstm_free(&m);
    struct physio_model pm;
    physio_model_init(&pm, 10);
    struct physio_params a;
    physio_params_default(&a);
    rc |= physio_model_set_athlete(&pm, "ann", &a);
    a.offset = 95;
    rc |= physio_model_set_athlete(&pm, "bob", &a);
    rc |= physio_model_save(&pm, g_physio, NULL, &e);
    physio_model_free(&pm);
    struct constant_model cm = {0};
    struct series s;
    if (series_alloc(&s, 100, 10))
        return -1;
    for (int i = 0; i < 100; i++) {
        S_TIME(&s)[i] = 10.0f * (float)i;
        S_HR(&s)[i] = 150;
    }
    const struct series *two[2] = {&s, &s};
    snprintf(s.meta.athlete, sizeof s.meta.athlete, "ann");
    struct series t = s;
    snprintf(t.meta.athlete, sizeof t.meta.athlete, "bob");
    two[1] = &t;
    rc |= constant_model_fit(&cm, two, 2, 1, &e) || constant_model_save(&cm, g_const, NULL, &e);
    constant_model_free(&cm);
    series_free(&s);
    return rc ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_temp_dir(g_dir);
    free(g_dir);
    return 0;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(*len + 64);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, *len, f), *len);
    fclose(f);
    return b;
}

/* Writes `in` to `out` with the first `from` of the JSON header replaced by `to` (the header length fixed: the
 * tensors' offsets are relative to the data that follows it). */
static void edit_header(const char *in, const char *out, const char *from, const char *to)
{
    size_t len;
    uint8_t *b = slurp(in, &len);
    uint64_t hl = 0;
    for (int i = 0; i < 8; i++)
        hl |= (uint64_t)b[i] << (8 * i);
    char *h = (char *)b + 8, *at = NULL;
    for (size_t i = 0; i + strlen(from) <= hl && !at; i++)
        if (!memcmp(h + i, from, strlen(from)))
            at = h + i;
    assert_non_null(at);
    size_t pre = (size_t)(at - h), fl = strlen(from), tl = strlen(to);
    uint64_t nl = hl - fl + tl;
    FILE *f = fopen(out, "wb");
    assert_non_null(f);
    uint8_t le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(nl >> (8 * i));
    fwrite(le, 1, 8, f);
    fwrite(h, 1, pre, f);
    fwrite(to, 1, tl, f);
    fwrite(h + pre + fl, 1, hl - pre - fl, f);
    fwrite(b + 8 + hl, 1, len - 8 - hl, f);
    fclose(f);
    free(b);
}

static void assert_refused(const char *path, const char *why)
{
    struct predictor p;
    struct hr_err e = {{0}};
    int rc = predictor_load(path, &p, &e);
    if (rc == 0)
        predictor_free(&p);
    assert_int_not_equal(rc, 0);
    if (!strstr(e.msg, why))
        fail_msg("%s: \"%s\" does not say \"%s\"", path, e.msg, why);
    assert_null(strchr(e.msg, '\n'));
}

static void test_lstm_card_contradicting_the_file(void **state)
{
    (void)state;
    char out[600];
    snprintf(out, sizeof out, "%s/x.safetensors", g_dir);
    struct predictor p;
    struct hr_err e;
    assert_int_equal(predictor_load(g_lstm, &p, &e), 0); /* the file itself loads */
    predictor_free(&p);
    static const char *const edits[][3] = { /* the card's words, what they become, what the refusal says */
        {"\\\"num_layers\\\":2", "\\\"num_layers\\\":1", "tensor lstm.weight_ih_l1 has no place"},
        {"\\\"gate_order\\\":\\\"i,f,g,o\\\"", "\\\"gate_order\\\":\\\"i,g,f,o\\\"", "gate order \"i,g,f,o\" is not i,f,g,o"},
        {"\\\"type\\\":\\\"lstm\\\"", "\\\"type\\\":\\\"gru\\\"", "architecture type \"gru\" is not lstm"},
        {"\\\"altitude\\\"", "\\\"altitude_rel\\\"",
         "input 1 is \"altitude_rel\" in the card, \"altitude\" in the feature set default"},
        {"\\\"hidden_size\\\":8", "\\\"hidden_size\\\":8.5", "architecture does not fit"},
        {"\\\"step_s\\\":10", "\\\"step_s\\\":0.01", "grid step 0.01 s is outside 0.5-600 s"},
        {"\\\"step_s\\\":10", "\\\"step_s\\\":1000000", "grid step 1e+06 s is outside 0.5-600 s"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof *edits; i++) {
        edit_header(g_lstm, out, edits[i][0], edits[i][1]);
        assert_refused(out, edits[i][2]);
    }
}

static void test_athlete_listed_twice(void **state)
{
    (void)state;
    char out[600];
    snprintf(out, sizeof out, "%s/y.safetensors", g_dir);
    struct predictor p;
    struct hr_err e;
    assert_int_equal(predictor_load(g_physio, &p, &e), 0);
    predictor_free(&p);
    edit_header(g_physio, out, "\\\"bob\\\"", "\\\"ann\\\"");
    assert_refused(out, "athlete ann is listed twice");
    assert_int_equal(predictor_load(g_const, &p, &e), 0);
    predictor_free(&p);
    edit_header(g_const, out, "\\\"bob\\\"", "\\\"ann\\\"");
    assert_refused(out, "athlete ann is listed twice");
}

/* An LSTM whose output bias says -300 bpm loads (its shapes are right) but predicts no heart's rate: refused at
 * prediction, naming the value (until 2026-12-07 predict printed a mean of -300 bpm with exit 0). */
static void test_prediction_no_heart_makes(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = slurp(g_lstm, &len);
    struct safetensors st;
    struct hr_err e;
    assert_int_equal(st_parse(b, len, g_lstm, &st, &e), 0);
    const struct st_tensor *bias = st_find(&st, "fc.bias");
    assert_non_null(bias);
    size_t at = (size_t)(bias->data - b);
    st_free(&st);
    float v = -300.0f;
    memcpy(b + at, &v, sizeof v);
    char out[600];
    snprintf(out, sizeof out, "%s/neg.safetensors", g_dir);
    FILE *f = fopen(out, "wb");
    assert_non_null(f);
    fwrite(b, 1, len, f);
    fclose(f);
    free(b);
    struct predictor p;
    assert_int_equal(predictor_load(out, &p, &e), 0);
    struct series s;
    assert_int_equal(series_alloc(&s, 50, 10), 0);
    for (int i = 0; i < s.n; i++) {
        S_TIME(&s)[i] = 10.0f * (float)i;
        S_SPEED(&s)[i] = 3;
        S_HR(&s)[i] = NAN;
    }
    float hr[50];
    assert_int_not_equal(predictor_predict(&p, &s, hr, NULL, &e), 0);
    assert_non_null(strstr(e.msg, "outside 0-300 bpm: the model file is damaged"));
    predictor_free(&p);
    assert_int_equal(predictor_load(g_lstm, &p, &e), 0); /* the file as saved predicts */
    assert_int_equal(predictor_predict(&p, &s, hr, NULL, &e), 0);
    predictor_free(&p);
    series_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lstm_card_contradicting_the_file),
        cmocka_unit_test(test_athlete_listed_twice),
        cmocka_unit_test(test_prediction_no_heart_makes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
