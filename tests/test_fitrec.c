/* test_fitrec.c — unit tests of the FitRec/Endomondo reader: Python dict and JSON lines, units,
 * metadata, None values, skipped nested keys, bad and truncated lines, chunked streaming (every
 * line boundary case), the 64 MB line limit, gzip through io_read_path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "io/reader.h"
#include "support/capture.h"
#include "support/testutil.h"
#include "util/log.h"

static const char *k_dict_line =
    "{'altitude': [41.6, 40.6, 40.6], 'gender': 'male', 'heart_rate': [100, 111, 120], 'id': 396826535, "
    "'latitude': [60.173348765820265, 60.173239801079035, 60.17298021353781], "
    "'longitude': [24.64977040886879, 24.65014273300767, 24.650910682976246], 'speed': [6.8652, 16.4736, 19.1988], "
    "'sport': 'bike', 'timestamp': [1408898746, 1408898754, 1408898765], "
    "'url': 'https://www.endomondo.com/users/10921915/workouts/396826535', 'userId': 10921915}";

static int read_text(const char *text, struct capture *c, struct hr_err *e, const char *seed)
{
    memset(c, 0, sizeof *c);
    if (seed)
        seed_save("fuzz_fitrec", seed, text, strlen(text));
    return fitrec_read((const uint8_t *)text, strlen(text), "f.json", NULL, capture_sink, c, e);
}

static void check_dict_workout(const struct workout *w)
{
    assert_int_equal(w->n, 3);
    assert_true(w->time[0] == 1408898746.0 && w->time[2] == 1408898765.0);
    assert_true(w->start_time == 1408898746.0);
    assert_float_equal(w->hr[1], 111, 0);
    assert_float_equal(w->alt[0], 41.6, 1e-5);
    /* 17 significant digits: within 1 ulp of strtod */
    assert_true(fabs(w->lat[0] - 60.173348765820265) <= 1.5e-14);
    assert_true(fabs(w->lon[2] - 24.650910682976246) <= 4e-15);
    assert_float_equal(w->speed[1], 16.4736 / 3.6, 1e-5);
    assert_true(isnan(w->dist[0]));
    assert_string_equal(w->athlete, "10921915");
    assert_string_equal(w->sport, "bike");
    assert_int_equal(w->gender, 'm');
    assert_int_equal(w->id, 396826535);
}

static void test_python_dict_line(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    char text[2048];
    snprintf(text, sizeof text, "%s\n", k_dict_line);
    assert_int_equal(read_text(text, &c, &e, "dict"), 0);
    assert_int_equal(c.n, 1);
    check_dict_workout(&c.w[0]);
    assert_string_equal(c.w[0].source, "f.json#line 1");
    capture_free(&c);
}

static void test_json_variant_nested_and_none(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    const char *text =
        "{\"id\": \"7\", \"userId\": \"abc\", \"gender\": \"female\", \"sport\": \"Run\", \"extra\": {\"a\": [1, [2, "
        "{\"b\": \"x]}\"}]], \"c\": null}, \"flag\": true, \"t\": [true, false, null],\n"
        " \"timestamp\": [10, 20, null, 40], \"heart_rate\": [150, null, 152, 0], \"speed\": null,"
        " \"altitude\": [1.5, 2.5]}\n";
    /* A newline inside the object ends the line: both halves are bad lines, nothing is read. */
    enum hr_log_level lvl = hr_log_get_level();
    hr_log_set_level(HR_LOG_QUIET);
    assert_int_equal(read_text(text, &c, &e, "json_split"), -1);
    hr_log_set_level(lvl);
    capture_free(&c);
    const char *one =
        "{\"id\": \"7\", \"userId\": \"abc\", \"gender\": \"female\", \"sport\": \"Run\", \"extra\": {\"a\": [1, [2, "
        "{\"b\": \"x]}\\\"\"}]], \"c\": null}, \"flag\": true, \"t\": [true, false, null], "
        "\"timestamp\": [10, 20, null, 40], \"heart_rate\": [150, None, 152, 0], \"speed\": null, "
        "\"altitude\": [1.5, 2.5], \"tuple\": (1, 2,), \"trailing\": [1, 2,],}";
    assert_int_equal(read_text(one, &c, &e, "json_nested"), 0);
    assert_int_equal(c.n, 1);
    struct workout *w = &c.w[0];
    assert_int_equal(w->n, 3); /* the null timestamp drops its sample */
    assert_true(w->time[0] == 10 && w->time[1] == 20 && w->time[2] == 40);
    assert_float_equal(w->hr[0], 150, 0);
    assert_true(isnan(w->hr[1]));
    assert_true(isnan(w->hr[2])); /* 0 bpm = missing */
    assert_float_equal(w->alt[1], 2.5, 0);
    assert_true(isnan(w->speed[0]) && isnan(w->lat[0]));
    assert_string_equal(w->athlete, "abc");
    assert_string_equal(w->sport, "run");
    assert_int_equal(w->gender, 'f');
    assert_int_equal(w->id, 7);
    capture_free(&c);
}

static void test_no_timestamp_uses_sample_step(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    assert_int_equal(read_text("{'heart_rate': [100, 101, 102], 'gender': 'unknown', 'userId': None}", &c, &e, "notime"),
                     0);
    assert_int_equal(c.w[0].n, 3);
    assert_true(c.w[0].time[2] == 12.0);
    assert_true(isnan(c.w[0].start_time));
    assert_int_equal(c.w[0].gender, 'u');
    assert_string_equal(c.w[0].athlete, "");
    capture_free(&c);
}

/* hrcast's own jsonl export (step_s before the arrays): elapsed time on the grid made absolute with
 * start_time, speed in m/s, athlete/device/start_time read, the grid marked; and detected as such even
 * when the first line's arrays push heart_rate beyond what detection looks at. Without step_s the same
 * keys mean FitRec's: km/h, and `time` is not a FitRec key. */
static void test_hrcast_export_lines(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    const char *text =
        "{\"index\":0,\"id\":12,\"athlete\":\"ann\",\"sport\":\"unknown\",\"gender\":\"f\",\"start_time\":1600000000,"
        "\"device\":\"dev\",\"source\":\"x.fit\",\"step_s\":10,\"split_athlete\":\"train\",\"time\":[0,10,20],"
        "\"speed\":[3.5,3.25,null],\"altitude\":[null,null,null],\"heart_rate\":[140,null,141]}\n"
        "{\"athlete\":\"bob\",\"start_time\":null,\"step_s\":5,\"time\":[0,5],\"speed\":[2,2],\"heart_rate\":[120,121]}\n";
    assert_int_equal(read_text(text, &c, &e, "hrcast_export"), 0);
    assert_int_equal(c.n, 2);
    const struct workout *w = &c.w[0];
    assert_string_equal(w->athlete, "ann");
    assert_string_equal(w->device, "dev");
    assert_int_equal(w->id, 12);
    assert_true(w->n == 3 && w->grid_step == 10.0f && w->start_time == 1600000000.0);
    assert_true(w->time[0] == 1600000000.0 && w->time[2] == 1600000020.0);
    assert_true(w->speed[0] == 3.5f && w->speed[1] == 3.25f && isnan(w->speed[2]));
    assert_true(isnan(w->alt[0]) && isnan(w->hr[1]) && w->hr[2] == 141.0f);
    assert_true(isnan(c.w[1].start_time) && c.w[1].time[1] == 5.0 && c.w[1].grid_step == 5.0f);
    capture_free(&c);
    /* FitRec: km/h, and a `time` list is not its time */
    assert_int_equal(read_text("{'userId': 3, 'time': [5, 6], 'speed': [36.0, 18.0], 'heart_rate': [120, 121]}\n", &c, &e,
                               "fitrec_time_key"),
                     0);
    assert_true(c.w[0].speed[0] == 10.0f && c.w[0].time[1] == 6.0 && c.w[0].grid_step == 0);
    capture_free(&c);
    /* detection: a long first array does not hide that this is an hrcast export */
    char *big = malloc(200000);
    assert_non_null(big);
    int n = snprintf(big, 200000, "{\"athlete\":\"a\",\"step_s\":10,\"time\":[0");
    for (int i = 1; i < 5000; i++)
        n += snprintf(big + n, (size_t)(200000 - n), ",%d", i * 10);
    n += snprintf(big + n, (size_t)(200000 - n), "],\"speed\":[3],\"heart_rate\":[150]}\n");
    assert_int_equal(io_detect((const uint8_t *)big, (size_t)n), FMT_FITREC);
    free(big);
}

/* Names are JSON text: their escapes are decoded (until 2026-12-07 "\u00fc" read as "u00fc" and hrcast's own
 * "Ann\tLee" as "AnntLee"); a Python literal's \' still reads as a quote; a long name is cut between
 * characters, never inside one. */
static void test_json_escapes_in_names(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    const char *text =
        "{\"athlete\":\"Ann\\tLee \\\"A\\\" \\\\ \\/\",\"device\":\"G\\u00fcnther\",\"title\":\"Run \\ud83c\\udfc3\","
        "\"hr_sensor\":\"str\\u0061p\",\"step_s\":10,\"time\":[0,10],\"speed\":[3,3],\"heart_rate\":[140,141]}\n"
        "{'userId': 'O\\'Neil', 'sport': 'R\\u00e9n', 'timestamp': [1, 2], 'heart_rate': [120, 121]}\n";
    assert_int_equal(read_text(text, &c, &e, "json_escapes"), 0);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.w[0].athlete, "Ann\tLee \"A\" \\ /");
    assert_string_equal(c.w[0].device, "G\xc3\xbcnther");
    assert_string_equal(c.w[0].title, "Run \xf0\x9f\x8f\x83");
    assert_string_equal(c.w[0].hr_sensor, "strap");
    assert_string_equal(c.w[1].athlete, "O'Neil");
    assert_string_equal(c.w[1].sport, "r\xc3\xa9n");
    capture_free(&c);
    /* 62 ASCII bytes then a 2-byte character: 64 bytes do not fit the 63 of an athlete id */
    char line[512];
    snprintf(line, sizeof line, "{'userId': '%062d\\u00fcx', 'timestamp': [1, 2], 'heart_rate': [120, 121]}\n", 0);
    assert_int_equal(read_text(line, &c, &e, NULL), 0);
    assert_int_equal(strlen(c.w[0].athlete), 62);
    capture_free(&c);
}

static void test_bad_lines_are_counted_and_skipped(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    char text[8192];
    snprintf(text, sizeof text,
             "%s\n\n   \nnot a dict\n{'timestamp': [1, 2, nan]}\n{'timestamp': [1, 2], 'hr': [1 2]}\n"
             "{'timestamp': [1, 'x']}\n{'timestamp': []}\n{'a': 1} junk\n{\"timestamp\": [1, 2]}\r\n%s\n"
             "{'timestamp': [1, 2], 'heart_rate': [10",
             k_dict_line, k_dict_line);
    enum hr_log_level lvl = hr_log_get_level();
    hr_log_set_level(HR_LOG_QUIET);
    assert_int_equal(read_text(text, &c, &e, "bad_lines"), 0);
    hr_log_set_level(lvl);
    assert_int_equal(c.n, 3);
    check_dict_workout(&c.w[0]);
    assert_string_equal(c.w[1].source, "f.json#line 10");
    assert_int_equal(c.w[1].n, 2);
    check_dict_workout(&c.w[2]);
    assert_string_equal(c.w[2].source, "f.json#line 11");
    capture_free(&c);
    /* Nothing readable -> error. */
    hr_log_set_level(HR_LOG_QUIET);
    assert_int_equal(read_text("{'timestamp': [1,\n{bad}\n", &c, &e, NULL), -1);
    hr_log_set_level(lvl);
    assert_string_equal(e.msg, "f.json: no readable workout (2 bad lines)");
    capture_free(&c);
}

static void test_sink_can_stop(void **state)
{
    (void)state;
    struct capture c;
    memset(&c, 0, sizeof c);
    c.stop_after = 1;
    struct hr_err e;
    char text[4096];
    snprintf(text, sizeof text, "%s\n%s\n", k_dict_line, k_dict_line);
    assert_int_equal(fitrec_read((const uint8_t *)text, strlen(text), "f", NULL, capture_sink, &c, &e), 0);
    assert_int_equal(c.n, 1);
    capture_free(&c);
}

/* ---- streaming ---- */
struct mem_src {
    const char *p;
    size_t n, pos, chunk;
};

static long mem_read(void *src, uint8_t *buf, size_t cap)
{
    struct mem_src *m = src;
    size_t k = m->n - m->pos;
    if (k > m->chunk)
        k = m->chunk;
    if (k > cap)
        k = cap;
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (long)k;
}

static void test_stream_matches_buffer_for_any_chunking(void **state)
{
    (void)state;
    char text[16384];
    snprintf(text, sizeof text, "%s\n{'timestamp': [5, 6], 'heart_rate': [90, 91]}\n\n%s\n{'timestamp': [7]}",
             k_dict_line, k_dict_line);
    size_t n = strlen(text);
    struct hr_err e;
    size_t chunks[] = {1, 2, 3, 7, 64, 1000, 1 << 20};
    for (size_t ci = 0; ci < sizeof chunks / sizeof chunks[0]; ci++) {
        for (size_t pre = 0; pre <= 300; pre += 150) {
            struct capture c;
            memset(&c, 0, sizeof c);
            struct mem_src m = {text + pre, n - pre, 0, chunks[ci]};
            assert_int_equal(fitrec_read_stream(mem_read, &m, (const uint8_t *)text, pre, "s", NULL, capture_sink, &c, &e),
                             0);
            assert_int_equal(c.n, 4);
            check_dict_workout(&c.w[0]);
            check_dict_workout(&c.w[2]);
            assert_string_equal(c.w[2].source, "s#line 4");
            assert_int_equal(c.w[3].n, 1);
            assert_true(c.w[3].time[0] == 7);
            capture_free(&c);
        }
    }
}

/* A virtual stream: one line of more than 64 MB, then a good line. */
struct long_src {
    size_t emitted, body;
    int stage;
};

static long long_read(void *src, uint8_t *buf, size_t cap)
{
    struct long_src *s = src;
    static const char head[] = "{'timestamp': [";
    size_t k = 0;
    if (s->stage == 0) {
        memcpy(buf, head, sizeof head - 1);
        s->stage = 1;
        return (long)(sizeof head - 1);
    }
    if (s->stage == 1) {
        while (k + 2 <= cap && s->emitted < s->body) {
            buf[k++] = '1';
            buf[k++] = ',';
            s->emitted += 2;
        }
        if (s->emitted >= s->body)
            s->stage = 2;
        return (long)k;
    }
    if (s->stage == 2) {
        size_t n = strlen(k_dict_line);
        if (cap < n + 5)
            return 0;
        memcpy(buf, "1]}\n", 4);
        memcpy(buf + 4, k_dict_line, n);
        buf[4 + n] = '\n';
        s->stage = 3;
        return (long)(n + 5);
    }
    return 0;
}

static void test_stream_line_over_64mb_is_skipped(void **state)
{
    (void)state;
    struct long_src s = {0, ((size_t)64 << 20) + 1000, 0};
    struct capture c;
    memset(&c, 0, sizeof c);
    struct hr_err e;
    enum hr_log_level lvl = hr_log_get_level();
    hr_log_set_level(HR_LOG_QUIET);
    assert_int_equal(fitrec_read_stream(long_read, &s, NULL, 0, "big", NULL, capture_sink, &c, &e), 0);
    hr_log_set_level(lvl);
    assert_int_equal(c.n, 1);
    check_dict_workout(&c.w[0]);
    assert_string_equal(c.w[0].source, "big#line 2");
    capture_free(&c);
}

static void test_gzip_file_through_io_read_path(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    assert_non_null(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/endo.json.gz", dir);
    gzFile g = gzopen(path, "wb");
    assert_non_null(g);
    for (int i = 0; i < 50; i++) {
        gzputs(g, k_dict_line);
        gzputs(g, "\n");
    }
    gzclose(g);
    struct capture c;
    memset(&c, 0, sizeof c);
    struct hr_err e;
    assert_int_equal(io_read_path(path, NULL, capture_sink, &c, &e), 0);
    assert_int_equal(c.n, 50);
    check_dict_workout(&c.w[49]);
    capture_free(&c);
    remove_temp_dir(dir);
    free(dir);
}

/* The publication's lines begin with long lists (longitude, altitude, latitude, then sport, id, heart_rate):
 * with 600 samples the first keys that say FitRec come after 8 KB, where detection stopped looking until
 * 2026-12-07 ("unrecognised format"), on the command line and in a folder walk alike. */
static void test_long_lists_first_still_fitrec(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    assert_non_null(dir);
    char path[512];
    snprintf(path, sizeof path, "%s/endo.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    const char *lists[] = {"longitude", "altitude", "latitude"};
    fputc('{', f);
    for (int k = 0; k < 3; k++) {
        fprintf(f, "%s'%s': [", k ? ", " : "", lists[k]);
        for (int i = 0; i < 600; i++)
            fprintf(f, "%s%.6f", i ? ", " : "", k == 1 ? 100.0 + 0.01 * i : 45.0 + 1e-5 * i);
        fputc(']', f);
    }
    fprintf(f, ", 'sport': 'run', 'id': 7, 'gender': 'male', 'userId': 3, 'heart_rate': [");
    for (int i = 0; i < 600; i++)
        fprintf(f, "%s%d", i ? ", " : "", 130 + i % 20);
    fprintf(f, "], 'timestamp': [");
    for (int i = 0; i < 600; i++)
        fprintf(f, "%s%d", i ? ", " : "", 1400000000 + 5 * i);
    fprintf(f, "], 'speed': [");
    for (int i = 0; i < 600; i++)
        fprintf(f, "%s%.1f", i ? ", " : "", 10.0);
    fprintf(f, "]}\n");
    fclose(f);
    assert_int_equal(io_detect_path(path), FMT_FITREC);
    struct capture c;
    memset(&c, 0, sizeof c);
    struct hr_err e;
    assert_int_equal(io_read_path(path, NULL, capture_sink, &c, &e), 0);
    assert_int_equal(c.n, 1);
    assert_int_equal((int)c.w[0].n, 600);
    capture_free(&c);
    remove_temp_dir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_python_dict_line),
        cmocka_unit_test(test_json_variant_nested_and_none),
        cmocka_unit_test(test_no_timestamp_uses_sample_step),
        cmocka_unit_test(test_hrcast_export_lines),
        cmocka_unit_test(test_json_escapes_in_names),
        cmocka_unit_test(test_bad_lines_are_counted_and_skipped),
        cmocka_unit_test(test_sink_can_stop),
        cmocka_unit_test(test_stream_matches_buffer_for_any_chunking),
        cmocka_unit_test(test_stream_line_over_64mb_is_skipped),
        cmocka_unit_test(test_gzip_file_through_io_read_path),
        cmocka_unit_test(test_long_lists_first_still_fitrec),
    };
    return cmocka_run_group_tests_name("fitrec", tests, NULL, NULL);
}
