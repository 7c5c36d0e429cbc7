/* test_seedjson.c — unit tests of the seed sample JSON reader: units, implied time step, gender,
 * skipped keys, uneven lists, malformed input; hrcast's own JSON told apart from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "io/reader.h"
#include "support/capture.h"
#include "support/testutil.h"

static int read_seed(const char *text, const struct read_opts *o, struct capture *c, struct hr_err *e,
                     const char *seed)
{
    memset(c, 0, sizeof *c);
    if (seed)
        seed_save("fuzz_seedjson", seed, text, strlen(text));
    return seedjson_read((const uint8_t *)text, strlen(text), "seed.json", o, capture_sink, c, e);
}

static void test_basic_sample(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    const char *text = "{\"speed\": [10.8, 12.6, null, 9], \"altitude\": [100, 101.5, 102, 103], \"gender\": \"Male\"}";
    assert_int_equal(io_detect((const uint8_t *)text, strlen(text)), FMT_SEED_JSON);
    assert_int_equal(read_seed(text, NULL, &c, &e, "basic"), 0);
    assert_int_equal(c.n, 1);
    struct workout *w = &c.w[0];
    assert_int_equal(w->n, 4);
    assert_true(w->time[0] == 0 && w->time[3] == 18);
    assert_float_equal(w->speed[0], 3.0, 1e-6);
    assert_float_equal(w->speed[1], 3.5, 1e-6);
    assert_true(isnan(w->speed[2]));
    assert_float_equal(w->alt[1], 101.5, 0);
    assert_true(isnan(w->hr[0]) && isnan(w->lat[0]));
    assert_true(isnan(w->start_time));
    assert_int_equal(w->gender, 'm');
    assert_string_equal(w->source, "seed.json");
    capture_free(&c);
}

/* hrcast's own JSON (a top-level "step" or "time": the API's body, the page's downloaded result with its
 * "heart_rate") is its own format in m/s; only a "step" nested deeper, or a jsonl export's "step_s", is not */
static void test_hrcast_json_is_not_seed_json(void **state)
{
    (void)state;
    const char *dl = "{\"name\":\"a.fit\",\"step\":10,\"n\":2,\"time\":[0,10],\"speed\":[3.2,3.3],"
                     "\"heart_rate\":[150,151],\"summary\":{\"mae\":1}}";
    const char *tail = "{\"speed\":[3,3],\"step\":5}";
    const char *nested = "{\"speed\":[10,11],\"x\":{\"step\":10},\"y\":\"\\\"step\\\":1\"}";
    const char *jsonl = "{\"athlete\":\"a\",\"step_s\":10,\"time\":[0,10],\"speed\":[3,3]}";
    assert_int_equal(io_detect((const uint8_t *)dl, strlen(dl)), FMT_API_JSON);
    assert_int_equal(io_detect((const uint8_t *)tail, strlen(tail)), FMT_API_JSON);
    assert_int_equal(io_detect((const uint8_t *)nested, strlen(nested)), FMT_SEED_JSON);
    assert_int_equal(io_detect((const uint8_t *)jsonl, strlen(jsonl)), FMT_FITREC);
    struct capture c;
    memset(&c, 0, sizeof c);
    struct hr_err e;
    assert_int_equal(io_read_buffer((const uint8_t *)dl, strlen(dl), "dl.json", NULL, capture_sink, &c, &e), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.w[0].n, 2);
    assert_true(c.w[0].time[1] == 10);
    assert_float_equal(c.w[0].speed[0], 3.2, 1e-6); /* m/s as written, not km/h */
    assert_float_equal(c.w[0].hr[1], 151, 0);
    capture_free(&c);
}

static void test_step_option_uneven_lists_and_skipped_keys(void **state)
{
    (void)state;
    struct read_opts o;
    read_opts_default(&o);
    o.sample_step = 10;
    struct capture c;
    struct hr_err e;
    const char *text = "\n{'gender': 'female', 'meta': {'a': [1, 2], 'b': None}, 'altitude': [1, 2, 3],\n"
                       " 'speed': [3.6], 'heart_rate': [120, 0, 130], 'ok': True}\n";
    assert_int_equal(read_seed(text, &o, &c, &e, "uneven"), 0);
    struct workout *w = &c.w[0];
    assert_int_equal(w->n, 3);
    assert_true(w->time[2] == 20);
    assert_float_equal(w->speed[0], 1.0, 1e-6);
    assert_true(isnan(w->speed[1]) && isnan(w->speed[2]));
    assert_float_equal(w->hr[0], 120, 0);
    assert_true(isnan(w->hr[1]));
    assert_int_equal(w->gender, 'f');
    capture_free(&c);
}

static void test_malformed(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    assert_int_equal(read_seed("{\"speed\": [1, 2", NULL, &c, &e, "truncated"), -1);
    assert_non_null(strstr(e.msg, "seed.json: 10: unterminated list"));
    assert_int_equal(read_seed("{\"speed\": [1, nan]}", NULL, &c, &e, "nan"), -1);
    assert_non_null(strstr(e.msg, "bad number"));
    assert_int_equal(read_seed("{\"gender\": \"Male\"}", NULL, &c, &e, "nolists"), -1);
    assert_non_null(strstr(e.msg, "no speed or altitude"));
    assert_int_equal(read_seed("{\"speed\": [1]} x", NULL, &c, &e, "trailing"), -1);
    assert_non_null(strstr(e.msg, "trailing"));
    assert_int_equal(read_seed("[1, 2]", NULL, &c, &e, NULL), -1);
    assert_int_equal(read_seed("{\"speed\": \"fast\"}", NULL, &c, &e, NULL), -1);
    assert_int_equal(c.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_sample),
        cmocka_unit_test(test_hrcast_json_is_not_seed_json),
        cmocka_unit_test(test_step_option_uneven_lists_and_skipped_keys),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests_name("seedjson", tests, NULL, NULL);
}
