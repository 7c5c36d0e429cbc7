/* test_json.c — unit tests of src/util/json: parsing, escapes, limits, errors, writer round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "support/testutil.h"
#include "util/json.h"

static struct json *parse_ok(const char *s)
{
    struct json *j = NULL;
    struct hr_err e = {{0}};
    seed_save("fuzz_json", "t", s, strlen(s));
    int rc = json_parse(s, strlen(s), "t", &j, &e);
    if (rc)
        fprintf(stderr, "unexpected error: %s\n", e.msg);
    assert_int_equal(rc, 0);
    return j;
}

static void parse_bad(const char *s, const char *expect)
{
    struct json *j = NULL;
    struct hr_err e = {{0}};
    assert_int_equal(json_parse(s, strlen(s), "t", &j, &e), -1);
    assert_null(j);
    if (!strstr(e.msg, expect))
        fprintf(stderr, "message '%s' lacks '%s'\n", e.msg, expect);
    assert_non_null(strstr(e.msg, expect));
}

static void test_values_and_lookup(void **state)
{
    (void)state;
    struct json *j = parse_ok(" {\"a\": 1.5e2, \"b\": [true, false, null, -0.25], \"s\": \"x\\\"y\\n\","
                              " \"o\": {\"k\": \"v\"}, \"z\": 0} ");
    assert_int_equal(j->type, JSON_OBJ);
    assert_true(json_get_num(j, "a", 0) == 150.0);
    const struct json *b = json_get(j, "b");
    assert_int_equal(json_len(b), 4);
    assert_int_equal(json_bool(json_at(b, 0), 0), 1);
    assert_int_equal(json_bool(json_at(b, 1), 1), 0);
    assert_int_equal(json_at(b, 2)->type, JSON_NULL);
    assert_true(json_num(json_at(b, 3), 0) == -0.25);
    assert_null(json_at(b, 4));
    assert_string_equal(json_get_str(j, "s", NULL), "x\"y\n");
    assert_string_equal(json_get_str(json_get(j, "o"), "k", NULL), "v");
    assert_null(json_get(j, "missing"));
    assert_true(json_get_num(j, "s", -1) == -1); /* wrong type -> default */
    int count = 0;
    json_foreach(it, b) count++;
    assert_int_equal(count, 4);
    json_free(j);
}

static void test_unicode_escapes(void **state)
{
    (void)state;
    struct json *j = parse_ok("[\"\\u00e9\\u20ac\\ud83d\\ude00\\u0041\", \"\\u0000x\"]");
    assert_string_equal(j->items[0].str, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" "A");
    assert_int_equal(j->items[1].str_len, 2);
    assert_int_equal(j->items[1].str[1], 'x');
    json_free(j);
    parse_bad("\"\\ud83d\"", "surrogate");
    parse_bad("\"\\ude00\"", "surrogate");
    parse_bad("\"\\u12G4\"", "hex");
    parse_bad("\"\\q\"", "bad escape");
}

static void test_errors_with_offsets(void **state)
{
    (void)state;
    parse_bad("{\"a\" 1}", "t: 5: ':' expected");
    parse_bad("[1, 2", "unterminated array");
    parse_bad("[1 2]", "t: 3: ',' or ']' expected");
    parse_bad("{\"a\":1,\"a\":2}", "duplicate");
    parse_bad("01", "trailing");
    parse_bad("1.", "digit expected");
    parse_bad("\"abc", "unterminated string");
    parse_bad("tru", "unexpected token");
    parse_bad("", "value expected");
    parse_bad("\"a\tb\"", "control character");
    char deep[200];
    memset(deep, '[', sizeof deep);
    struct json *j;
    struct hr_err e;
    assert_int_equal(json_parse(deep, sizeof deep, "d", &j, &e), -1);
    assert_non_null(strstr(e.msg, "too deep"));
}

/* An object of n keys "k0".."k<n-1>", and dup_at >= 0: key dup_at repeats key 0. */
static char *many_keys(int n, int dup_at, size_t *len)
{
    char *b = malloc((size_t)n * 24 + 16);
    size_t k = 0;
    b[k++] = '{';
    for (int i = 0; i < n; i++)
        k += (size_t)sprintf(b + k, "%s\"k%d\":%d", i ? "," : "", i == dup_at ? 0 : i, i);
    b[k++] = '}';
    *len = k;
    return b;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The duplicate-key check was pairwise: an 80,000-key object (a model header) took 20 s. */
static void test_many_keys_fast_and_duplicates_found(void **state)
{
    (void)state;
    size_t len;
    char *b = many_keys(80000, -1, &len);
    struct json *j;
    struct hr_err e;
    double t0 = now_s();
    assert_int_equal(json_parse(b, len, "big", &j, &e), 0);
    double dt = now_s() - t0;
    fprintf(stderr, "80,000-key object parsed in %.3f s\n", dt);
    assert_true(dt < 2.0); /* pairwise: 3.2e9 comparisons, far over */
    assert_int_equal(j->n, 80000);
    json_free(j);
    free(b);
    /* the first key, in file order, that repeats an earlier one is reported, at its offset */
    b = many_keys(1000, 700, &len);
    assert_int_equal(json_parse(b, len, "d", &j, &e), -1);
    assert_non_null(strstr(e.msg, "duplicate object key"));
    char want[64];
    snprintf(want, sizeof want, "d: %ld:", (long)(strstr(b, ",\"k0\":700") + 1 - b));
    assert_non_null(strstr(e.msg, want));
    free(b);
}

static void test_writer_round_trip(void **state)
{
    (void)state;
    for (int pretty = 0; pretty < 2; pretty++) {
        struct jw w;
        jw_init_buf(&w, pretty);
        jw_obj_begin(&w);
        jw_kv_str(&w, "name", "a\"b\\c\n\x01");
        jw_kv_num(&w, "pi", 3.141592653589793);
        jw_kv_num(&w, "tenth", 0.1);
        jw_kv_num(&w, "nan", NAN);
        jw_kv_int(&w, "big", 1234567890123LL);
        jw_kv_bool(&w, "yes", 1);
        jw_key(&w, "arr");
        jw_arr_begin(&w);
        jw_num(&w, 1);
        jw_arr_begin(&w);
        jw_arr_end(&w);
        jw_obj_begin(&w);
        jw_obj_end(&w);
        jw_null(&w);
        jw_arr_end(&w);
        jw_obj_end(&w);
        assert_int_equal(jw_status(&w), 0);
        size_t n;
        char *s = jw_take(&w, &n);
        assert_non_null(s);
        if (!pretty)
            assert_non_null(strstr(s, "\"tenth\":0.1,\"nan\":null"));
        struct json *j = parse_ok(s);
        assert_string_equal(json_get_str(j, "name", NULL), "a\"b\\c\n\x01");
        assert_true(json_get_num(j, "pi", 0) == 3.141592653589793);
        assert_int_equal(json_get(j, "nan")->type, JSON_NULL);
        assert_true(json_get_num(j, "big", 0) == 1234567890123.0);
        assert_int_equal(json_len(json_get(j, "arr")), 4);
        json_free(j);
        free(s);
    }
}

static void test_writer_to_file(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct jw w;
    jw_init_file(&w, f, 0);
    jw_arr_begin(&w);
    jw_str(&w, "x");
    jw_int(&w, -3);
    jw_arr_end(&w);
    assert_int_equal(jw_status(&w), 0);
    fclose(f);
    assert_string_equal(buf, "[\"x\",-3]");
    free(buf);
    /* unbalanced -> error */
    jw_init_buf(&w, 0);
    jw_obj_begin(&w);
    assert_int_equal(jw_status(&w), -1);
    assert_null(jw_take(&w, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_and_lookup),
        cmocka_unit_test(test_unicode_escapes),
        cmocka_unit_test(test_errors_with_offsets),
        cmocka_unit_test(test_many_keys_fast_and_duplicates_found),
        cmocka_unit_test(test_writer_round_trip),
        cmocka_unit_test(test_writer_to_file),
    };
    return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
