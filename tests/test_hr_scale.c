/* test_hr_scale.c — unit tests of src/model/hr_scale.c (the per-athlete HR scale of an LSTM): the fit on
 * hand-built series (an athlete with enough HR gets their own mean and sd from trusted steps only, one with
 * too little the population's, the population the athletes' average), the two maps (inverse of each other,
 * identity when off or for the population), and the card's JSON (round trip, bad values refused). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "model/hr_scale.h"
#include "io/hr_issue.h"
#include <stdio.h>

/* n steps of 10 s, HR alternating mean - sd, mean + sd (so its mean and sd are exactly those), the last
 * `flagged` steps flagged as spikes with HR 250. */
static void make_series(struct series *s, const char *athlete, int n, float mean, float sd, int flagged)
{
    assert_int_equal(series_alloc(s, n, 10.0f), 0);
    snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", athlete);
    for (int t = 0; t < n; t++) {
        S_HR(s)[t] = t >= n - flagged ? 250.0f : (t % 2 ? mean + sd : mean - sd);
        s->hr_issue[t] = t >= n - flagged ? HRQ_SPIKE : HRQ_TRUSTED;
    }
}

static void test_fit_lookup_and_maps(void **state)
{
    (void)state;
    struct series a1, a2, b, c;
    make_series(&a1, "ann", 300, 150.0f, 10.0f, 20); /* 50 + 50 min: enough; the spikes left out */
    make_series(&a2, "ann", 300, 150.0f, 10.0f, 0);
    make_series(&b, "bob", 400, 130.0f, 20.0f, 0);
    make_series(&c, "cy", 100, 170.0f, 5.0f, 0); /* 17 min: too little for a scale of their own */
    const struct series *v[4] = {&a1, &b, &c, &a2};
    struct hr_scale s;
    hr_scale_init(&s);
    assert_int_equal(hr_scale_fit(&s, v, 4, 0), 0);
    assert_true(s.on);
    assert_int_equal(s.n, 2);
    float m, sd;
    hr_scale_lookup(&s, "ann", &m, &sd);
    assert_float_equal(m, 150.0f, 1e-3);
    assert_float_equal(sd, 10.0f, 1e-3);
    assert_int_equal(s.ath[0].steps, 580);
    hr_scale_lookup(&s, "bob", &m, &sd);
    assert_float_equal(m, 130.0f, 1e-3);
    assert_float_equal(sd, 20.0f, 1e-3);
    assert_float_equal(s.pop_mean, 140.0f, 1e-3); /* each athlete once */
    assert_float_equal(s.pop_sd, 15.0f, 1e-3);
    hr_scale_lookup(&s, "cy", &m, &sd);
    assert_true(m == s.pop_mean && sd == s.pop_sd);
    hr_scale_lookup(&s, NULL, &m, &sd);
    assert_true(m == s.pop_mean && sd == s.pop_sd);
    /* the maps: bob's 150 bpm is one sd above his mean, i.e. the population's 155 */
    assert_float_equal(hr_scale_to_net(&s, 130.0f, 20.0f, 150.0f), 155.0f, 1e-4);
    assert_float_equal(hr_scale_to_bpm(&s, 130.0f, 20.0f, 155.0f), 150.0f, 1e-4);
    assert_float_equal(hr_scale_to_bpm(&s, s.pop_mean, s.pop_sd, 163.0f), 163.0f, 1e-4);
    /* keep_flagged: the spikes count */
    struct hr_scale k;
    hr_scale_init(&k);
    assert_int_equal(hr_scale_fit(&k, v, 4, 1), 0);
    hr_scale_lookup(&k, "ann", &m, &sd);
    assert_true(m > 152.0f);
    /* off: identity */
    struct hr_scale off;
    hr_scale_init(&off);
    assert_float_equal(hr_scale_to_bpm(&off, 130.0f, 20.0f, 155.0f), 155.0f, 0);
    /* a finetuned runner: added to the table */
    assert_int_equal(hr_scale_fit_athlete(&s, v, 4, "cy", 0), 0); /* still too little */
    struct series c2;
    make_series(&c2, "cy", 300, 170.0f, 5.0f, 0);
    const struct series *w[2] = {&c, &c2};
    assert_int_equal(hr_scale_fit_athlete(&s, w, 2, "cy", 0), 1);
    hr_scale_lookup(&s, "cy", &m, &sd);
    assert_float_equal(m, 170.0f, 1e-3);
    hr_scale_free(&s);
    hr_scale_free(&k);
    series_free(&a1);
    series_free(&a2);
    series_free(&b);
    series_free(&c);
    series_free(&c2);
}

static struct json *card_of(const struct hr_scale *s)
{
    struct jw w;
    jw_init_buf(&w, 0);
    hr_scale_write_json(s, &w);
    size_t len;
    char *text = jw_take(&w, &len);
    struct json *j = NULL;
    struct hr_err e;
    assert_int_equal(json_parse(text, len, "card", &j, &e), 0);
    free(text);
    return j;
}

static void test_json_round_trip_and_refusals(void **state)
{
    (void)state;
    struct hr_scale s, r;
    hr_scale_init(&s);
    s.on = 1;
    s.pop_mean = 147.3f;
    s.pop_sd = 16.1f;
    assert_int_equal(hr_scale_set(&s, "zoe", 161.25f, 12.5f, 12345), 0);
    assert_int_equal(hr_scale_set(&s, "al", 139.0f, 21.0f, 999), 0);
    struct json *j = card_of(&s);
    struct hr_err e;
    assert_int_equal(hr_scale_read_json(&r, j, "m.safetensors", &e), 0);
    assert_true(r.on && r.n == 2 && r.pop_mean == s.pop_mean && r.pop_sd == s.pop_sd);
    assert_string_equal(r.ath[0].id, "al"); /* sorted */
    assert_true(r.ath[1].mean == 161.25f && r.ath[1].sd == 12.5f && r.ath[1].steps == 12345);
    json_free(j);
    hr_scale_free(&r);
    assert_int_equal(hr_scale_read_json(&r, NULL, "m", &e), 0); /* absent: off */
    assert_false(r.on);
    const char *bad[] = {"{\"pop_mean\": 150}", "{\"pop_mean\": 300, \"pop_sd\": 15}",
                         "{\"pop_mean\": 150, \"pop_sd\": 1}",
                         "{\"pop_mean\": 150, \"pop_sd\": 15, \"athletes\": {\"x\": [150, 15]}}",
                         "{\"pop_mean\": 150, \"pop_sd\": 15, \"athletes\": {\"x\": [20, 15, 3]}}",
                         "{\"pop_mean\": 150, \"pop_sd\": 15, \"athletes\": {\"\": [150, 15, 3]}}",
                         "{\"pop_mean\": 150, \"pop_sd\": 15, \"athletes\": {\"x\": 150}}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct json *b = NULL;
        assert_int_equal(json_parse(bad[i], strlen(bad[i]), "card", &b, &e), 0);
        assert_int_equal(hr_scale_read_json(&r, b, "m.safetensors", &e), -1);
        assert_non_null(strstr(e.msg, "m.safetensors"));
        assert_false(r.on);
        json_free(b);
    }
    hr_scale_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_lookup_and_maps),
        cmocka_unit_test(test_json_round_trip_and_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
