/* test_safetensors.c — unit tests of src/util/safetensors: round trip, metadata, strict validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "support/testutil.h"
#include "util/safetensors.h"

static void test_round_trip_file(void **state)
{
    (void)state;
    float a[6] = {1, 2, 3, 4, 5, 6}, b[3] = {-1.5f, 0, 1e-30f};
    int64_t c[2] = {7, -8};
    struct st_out t[3] = {
        {.name = "lstm.weight_ih_l0", .dtype = ST_F32, .data = a, .ndim = 2, .shape = {2, 3}},
        {.name = "fc.bias", .dtype = ST_F32, .data = b, .ndim = 1, .shape = {3}},
        {.name = "steps", .dtype = ST_I64, .data = c, .ndim = 1, .shape = {2}},
    };
    struct st_meta m[2] = {{"model_type", "lstm"}, {"card", "{\"x\": \"q\\\"\"}"}};
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/m.safetensors", dir);
    struct hr_err e;
    assert_int_equal(st_write_file(path, t, 3, m, 2, &e), 0);
    struct safetensors st;
    assert_int_equal(st_read_file(path, 0, &st, &e), 0);
    assert_int_equal(st.n, 3);
    assert_string_equal(st_meta_get(&st, "model_type"), "lstm");
    assert_string_equal(st_meta_get(&st, "card"), "{\"x\": \"q\\\"\"}");
    assert_null(st_meta_get(&st, "nope"));
    float got[6];
    int64_t shp[2] = {2, 3};
    assert_int_equal(st_copy_f32(&st, "lstm.weight_ih_l0", 2, shp, got, 6, &e), 0);
    assert_memory_equal(got, a, sizeof a);
    int64_t wrong[2] = {3, 2};
    assert_int_equal(st_copy_f32(&st, "lstm.weight_ih_l0", 2, wrong, got, 6, &e), -1);
    assert_non_null(strstr(e.msg, "shape [2,3], expected [3,2]"));
    assert_int_equal(st_copy_f32(&st, "steps", 1, NULL, got, 2, &e), -1);
    assert_non_null(strstr(e.msg, "dtype I64"));
    assert_int_equal(st_copy_f32(&st, "absent", 1, NULL, got, 2, &e), -1);
    const struct st_tensor *s = st_find(&st, "steps");
    assert_non_null(s);
    int64_t cc[2];
    memcpy(cc, s->data, sizeof cc);
    assert_int_equal(cc[1], -8);
    st_free(&st);
    remove_temp_dir(dir);
    free(dir);
}

/* Build a file from a literal header and n data bytes. */
static int parse_hdr(const char *hdr, size_t ndata, struct safetensors *st, struct hr_err *e)
{
    size_t hl = strlen(hdr);
    uint8_t *b = calloc(1, 8 + hl + ndata);
    for (int k = 0; k < 8; k++)
        b[k] = (uint8_t)((uint64_t)hl >> (8 * k));
    memcpy(b + 8, hdr, hl);
    seed_save("fuzz_safetensors", "hdr", b, 8 + hl + ndata);
    int rc = st_parse(b, 8 + hl + ndata, "f", st, e);
    if (rc == 0)
        st_free(st);
    free(b);
    return rc;
}

static void expect_bad(const char *hdr, size_t ndata, const char *why)
{
    struct safetensors st;
    struct hr_err e = {{0}};
    assert_int_equal(parse_hdr(hdr, ndata, &st, &e), -1);
    if (!strstr(e.msg, why))
        fprintf(stderr, "'%s' lacks '%s'\n", e.msg, why);
    assert_non_null(strstr(e.msg, why));
}

static void test_strict_validation(void **state)
{
    (void)state;
    struct safetensors st;
    struct hr_err e;
    assert_int_equal(parse_hdr("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ", 8, &st, &e), 0);
    assert_int_equal(parse_hdr("{}", 0, &st, &e), 0);
    expect_bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12, "4 bytes after the last");
    expect_bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "dtype x shape needs 12");
    expect_bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "outside data");
    expect_bad("{\"a\":{\"dtype\":\"F99\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8, "unsupported dtype");
    expect_bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8, "shape[0]");
    expect_bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8, "outside data");
    expect_bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
               "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8, "overlaps");
    expect_bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "hole");
    expect_bad("{\"__metadata__\":{\"k\":1}}", 0, "not a string");
    expect_bad("[1]", 0, "not a JSON object");
    expect_bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", 4, "unknown field");
    expect_bad("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", 4, "unterminated object");
    /* 2^61 F64 elements: 2^64 bytes, which wrapped to 0 and matched empty data_offsets */
    expect_bad("{\"a\":{\"dtype\":\"F64\",\"shape\":[2097152,1048576,1048576],\"data_offsets\":[0,0]}}", 0,
               "shape too large for its dtype");
    uint8_t shortbuf[8] = {200, 0, 0, 0, 0, 0, 0, 0};
    assert_int_equal(st_parse(shortbuf, 8, "s", &st, &e), -1);
    assert_non_null(strstr(e.msg, "runs past the end"));
    assert_int_equal(st_parse(shortbuf, 5, "s", &st, &e), -1);
}

static void test_buffer_writer_alignment(void **state)
{
    (void)state;
    float x = 42;
    struct st_out t = {.name = "x", .dtype = ST_F32, .data = &x, .ndim = 0};
    uint8_t *b;
    size_t n;
    struct hr_err e;
    assert_int_equal(st_write_buffer(&t, 1, NULL, 0, &b, &n, &e), 0);
    assert_int_equal((8 + (size_t)b[0]) % 8, 0);
    struct safetensors st;
    assert_int_equal(st_parse(b, n, "b", &st, &e), 0);
    float y;
    assert_int_equal(st_copy_f32(&st, "x", 0, NULL, &y, 1, &e), 0);
    assert_true(y == 42);
    seed_save("fuzz_safetensors", "scalar", b, n);
    st_free(&st);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_file),
        cmocka_unit_test(test_strict_validation),
        cmocka_unit_test(test_buffer_writer_alignment),
    };
    return cmocka_run_group_tests_name("safetensors", tests, NULL, NULL);
}
