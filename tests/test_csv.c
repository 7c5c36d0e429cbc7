/* test_csv.c — unit tests of the CSV reader (column spellings, units, time rules, quoting, bad rows,
 * errors, hrcast's own export layout) on generated inputs, the shared number/time parsers, and an integration test over the
 * FIT-decoded CSVs in ../shared/data/real/rikluost-athlete-hr-predict checked against its index.tsv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "io/reader.h"
#include "io/text_util.h"
#include "io/xml_util.h"
#include "support/capture.h"
#include "support/testutil.h"
#include "util/log.h"

static int read_csv(const char *text, const struct read_opts *o, struct capture *c, struct hr_err *e,
                    const char *seed_name)
{
    memset(c, 0, sizeof *c);
    if (seed_name)
        seed_save("fuzz_csv", seed_name, text, strlen(text));
    return csv_read((const uint8_t *)text, strlen(text), "t.csv", o, capture_sink, c, e);
}

static void test_number_parser_strict_and_exact(void **state)
{
    (void)state;
    const char *good[] = {"0", "-0", "1", "12.5", "-3.25e2", "1e-5", "60.173348765820265", "0.1", "123456789012345",
                          "9007199254740993", "1.7976931348623157e308", "4.9e-324", ".5", "5.", "+7",
                          "0.000000000000000000000000123", "12345678901234567890123"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double v;
        const char *s = good[i], *end = s + strlen(s), *next;
        assert_true(tu_parse_number(s, end, &v, &next));
        assert_ptr_equal(next, end);
        double ref = strtod(s, NULL);
        if (v != ref) /* within 1 ulp */
            assert_true(nextafter(v, ref) == ref);
    }
    const char *bad[] = {"", "-", ".", "nan", "NaN", "inf", "-inf", "Infinity", "0x10", "1e", "1e+", "abc", "1e999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v;
        assert_false(tu_parse_number_span(bad[i], bad[i] + strlen(bad[i]), &v));
    }
    double v;
    const char *junk = "12x", *spaced = " 12 ";
    assert_false(tu_parse_number_span(junk, junk + 3, &v));
    assert_true(tu_parse_number_span(spaced, spaced + 4, &v));
    assert_true(v == 12.0);
    /* Random short decimals must be correctly rounded (<= 15 digits). */
    unsigned long long x = 88172645463325252ull;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        char buf[64];
        int ip = (int)(x % 100000), fd = (int)((x >> 20) % 10), sign = (x >> 40) & 1;
        unsigned long long frac = (x >> 24) % 10000000000ull;
        snprintf(buf, sizeof buf, "%s%d.%0*llu", sign ? "-" : "", ip, fd + 1, frac % (unsigned long long)pow(10, fd + 1));
        const char *next;
        assert_true(tu_parse_number(buf, buf + strlen(buf), &v, &next));
        assert_true(v == strtod(buf, NULL));
    }
}

static void test_iso_and_clock_times(void **state)
{
    (void)state;
    double t;
    const char *a = "2021-08-04 23:12:41+00:00";
    assert_true(tu_parse_iso8601(a, a + strlen(a), &t));
    assert_true(t == 1628118761.0);
    const char *b = "2021-08-05T11:12:41.5+12:00";
    assert_true(tu_parse_iso8601(b, b + strlen(b), &t));
    assert_true(t == 1628118761.5);
    const char *c = "2021-08-04T23:12:41Z";
    assert_true(tu_parse_iso8601(c, c + strlen(c), &t));
    assert_true(t == 1628118761.0);
    const char *d = "2021-13-04T23:12:41Z";
    assert_false(tu_parse_iso8601(d, d + strlen(d), &t));
    const char *h = "1:02:03";
    assert_true(tu_parse_clock(h, h + strlen(h), &t));
    assert_true(t == 3723.0);
    const char *m = "4:30";
    assert_true(tu_parse_clock(m, m + strlen(m), &t));
    assert_true(t == 270.0);
    const char *bad = "4:75";
    assert_false(tu_parse_clock(bad, bad + strlen(bad), &t));
}

/* The CSV/JSON time parser and the TCX/GPX one share one validation: a date, time of day or offset that
 * does not exist is refused by both, and one that exists is read the same by both (until 2026-12-07 the
 * CSV parser took 2023-02-29 for 1 March, 2024-04-31 for 1 May, T24:59:59 and an offset of +99:00). */
static void test_one_date_validation_for_csv_and_xml(void **state)
{
    (void)state;
    const char *bad[] = {"2023-02-29T10:00:00Z", "2024-04-31T10:00:00Z", "2024-05-01T24:59:59Z",
                         "2024-05-01T24:00:00Z", "2024-05-01T10:60:00Z", "2024-05-01T10:00:61Z",
                         "2024-05-01T10:00:00+99:00", "2024-05-01T10:00:00+14:30", "2024-05-01T10:00:00-03:75",
                         "2024-00-10T10:00:00Z", "2024-05-00T10:00:00Z", "1900-02-29T10:00:00Z"};
    double t;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(tu_parse_iso8601(bad[i], bad[i] + strlen(bad[i]), &t));
        assert_int_equal(xml_parse_time(bad[i], strlen(bad[i]), &t), -1);
    }
    const char *good[] = {"2024-02-29T10:00:00Z", "2000-02-29T23:59:59Z", "2024-04-30T00:00:00+14:00",
                          "2024-12-31T23:59:60Z", "2024-05-01T10:00:00-09:30"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double a, b;
        assert_true(tu_parse_iso8601(good[i], good[i] + strlen(good[i]), &a));
        assert_int_equal(xml_parse_time(good[i], strlen(good[i]), &b), 0);
        assert_true(a == b);
    }
    /* in a file: the row is skipped as unreadable, counted */
    struct capture c;
    struct hr_err e;
    assert_int_equal(read_csv("timestamp,hr\n2023-02-28T23:59:59Z,140\n2023-02-29T00:00:00Z,141\n", NULL, &c, &e,
                              NULL),
                     0);
    assert_int_equal(c.w[0].n, 1);
    capture_free(&c);
}

static void test_column_spellings(void **state)
{
    (void)state;
    struct {
        const char *header;
        const char *row;
        int field; /* 0 hr, 1 speed, 2 dist, 3 alt */
        double want;
    } cases[] = {
        {"time,heart_rate", "0,150", 0, 150},       {"time,hr", "0,151", 0, 151},
        {"time,HeartRate", "0,152", 0, 152},        {"time,bpm", "0,153", 0, 153},
        {"time,Heart Rate (bpm)", "0,154", 0, 154}, {"time,speed", "0,3.5", 1, 3.5},
        {"time,speed (km/h)", "0,36", 1, 10},       {"time,Speed [kph]", "0,18", 1, 5},
        {"time,speed_kmh", "0,36", 1, 10},          {"time,speed (mph)", "0,10", 1, 4.4704},
        {"time,enhanced_speed", "0,2.5", 1, 2.5},   {"time,pace", "0,4:00", 1, 1000.0 / 240},
        {"time,pace (min/km)", "0,5", 1, 1000.0 / 300}, {"time,pace", "0,300", 1, 1000.0 / 300},
        {"time,pace", "0,5.0", 1, 1000.0 / 300},    {"time,Pace (min/mi)", "0,8:00", 1, 1609.344 / 480},
        {"time,distance", "0,1234.5", 2, 1234.5},   {"time,dist_m", "0,10", 2, 10},
        {"time,distance (km)", "0,1.5", 2, 1500},   {"time,altitude", "0,275.2", 3, 275.2},
        {"time,enhanced_altitude", "0,12", 3, 12},  {"time,ele", "0,99", 3, 99},
        {"time,Elevation (ft)", "0,100", 3, 30.48},
        /* a pace unit on a speed column is a pace (read as the pace column is); a speed unit on a pace
         * column is a speed; "ms" on a speed column is m/s */
        {"time,speed (min/km)", "0,5.55", 1, 1000.0 / 333}, {"time,speed (min/km)", "0,5:33", 1, 1000.0 / 333},
        {"time,Speed [s/km]", "0,300", 1, 1000.0 / 300},   {"time,speed (min/mi)", "0,8:00", 1, 1609.344 / 480},
        {"time,speed (sec/mi)", "0,480", 1, 1609.344 / 480}, {"time,pace (km/h)", "0,18", 1, 5},
        {"time,pace (s)", "0,300", 1, 1000.0 / 300},       {"time,pace (min)", "0,5", 1, 1000.0 / 300},
        {"time,speed (ms)", "0,3", 1, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "%s\n%s\n", cases[i].header, cases[i].row);
        struct capture c;
        struct hr_err e;
        char seed[32];
        snprintf(seed, sizeof seed, "spelling_%zu", i);
        assert_int_equal(read_csv(text, NULL, &c, &e, seed), 0);
        assert_int_equal(c.n, 1);
        assert_int_equal(c.w[0].n, 1);
        float got = cases[i].field == 0 ? c.w[0].hr[0] : cases[i].field == 1 ? c.w[0].speed[0]
                                                     : cases[i].field == 2 ? c.w[0].dist[0]
                                                                           : c.w[0].alt[0];
        if (fabs(got - cases[i].want) > 1e-3 * fabs(cases[i].want) + 1e-4) {
            fprintf(stderr, "case %zu (%s): got %g want %g\n", i, cases[i].header, got, cases[i].want);
            fail();
        }
        capture_free(&c);
    }
}

static void test_speed_unit_option_and_enhanced_priority(void **state)
{
    (void)state;
    struct read_opts o;
    read_opts_default(&o);
    o.csv_speed = CSV_SPEED_KMH;
    struct capture c;
    struct hr_err e;
    assert_int_equal(read_csv("time,speed\n0,36\n", &o, &c, &e, NULL), 0);
    assert_float_equal(c.w[0].speed[0], 10.0, 1e-5);
    capture_free(&c);
    /* An explicit unit in the name beats the option. */
    assert_int_equal(read_csv("time,speed (m/s)\n0,3\n", &o, &c, &e, NULL), 0);
    assert_float_equal(c.w[0].speed[0], 3.0, 1e-6);
    capture_free(&c);
    /* enhanced_altitude wins over altitude, whatever the order; derived columns are ignored. */
    assert_int_equal(read_csv("time,altitude,enhanced_altitude,alt_difference\n0,1,2,3\n", NULL, &c, &e, "prio"), 0);
    assert_float_equal(c.w[0].alt[0], 2.0, 1e-6);
    capture_free(&c);
}

static void test_time_rules(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    /* ISO with zone: absolute, start_time set. */
    assert_int_equal(read_csv("timestamp,hr\n2021-08-04 23:12:41+00:00,80\n2021-08-04 23:12:43+00:00,81\n", NULL, &c,
                              &e, "iso"),
                     0);
    assert_true(c.w[0].time[0] == 1628118761.0 && c.w[0].time[1] == 1628118763.0);
    assert_true(c.w[0].start_time == 1628118761.0);
    capture_free(&c);
    /* Large numbers: Unix seconds; small: elapsed (start NaN); very large: ms. */
    assert_int_equal(read_csv("time,hr\n1628118761,80\n1628118762,81\n", NULL, &c, &e, "unix"), 0);
    assert_true(c.w[0].start_time == 1628118761.0);
    capture_free(&c);
    assert_int_equal(read_csv("time,hr\n0,80\n1.5,81\n", NULL, &c, &e, "elapsed"), 0);
    assert_true(isnan(c.w[0].start_time));
    assert_true(c.w[0].time[1] == 1.5);
    capture_free(&c);
    assert_int_equal(read_csv("timestamp,hr\n1628118761000,80\n", NULL, &c, &e, "unixms"), 0);
    assert_true(c.w[0].time[0] == 1628118761.0);
    capture_free(&c);
    assert_int_equal(read_csv("time,hr\n0:00:10,80\n1:00:00,81\n", NULL, &c, &e, "clock"), 0);
    assert_true(c.w[0].time[0] == 10 && c.w[0].time[1] == 3600);
    assert_true(isnan(c.w[0].start_time));
    capture_free(&c);
    /* "secs" column is elapsed even when huge; forcing elapsed on a big number keeps it elapsed. */
    assert_int_equal(read_csv("secs,hr\n200000000,80\n", NULL, &c, &e, "secs"), 0);
    assert_true(isnan(c.w[0].start_time));
    capture_free(&c);
    struct read_opts o;
    read_opts_default(&o);
    o.csv_time = CSV_TIME_ELAPSED;
    assert_int_equal(read_csv("time,hr\n1628118761,80\n", &o, &c, &e, NULL), 0);
    assert_true(isnan(c.w[0].start_time));
    capture_free(&c);
    o.csv_time = CSV_TIME_UNIX;
    assert_int_equal(read_csv("time,hr\n5,80\n", &o, &c, &e, NULL), 0);
    assert_true(c.w[0].start_time == 5.0);
    capture_free(&c);
    /* Both absolute and elapsed columns: absolute wins unless elapsed is forced. */
    assert_int_equal(read_csv("elapsed,timestamp,hr\n3,1628118761,80\n", NULL, &c, &e, "both"), 0);
    assert_true(c.w[0].time[0] == 1628118761.0);
    capture_free(&c);
    o.csv_time = CSV_TIME_ELAPSED;
    assert_int_equal(read_csv("elapsed,timestamp,hr\n3,1628118761,80\n", &o, &c, &e, NULL), 0);
    assert_true(c.w[0].time[0] == 3.0);
    capture_free(&c);
}

static void test_separators_quotes_positions(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    /* In a file separated by ';' or tabs a decimal comma is a decimal point (a European spreadsheet's
     * export; until 2026-12-07 such rows were skipped as unreadable), pace included */
    assert_int_equal(read_csv("Time;HR;Lat;Lon\r\n0;150;60,5;24\r\n1;151;60.6;24.1\r\n", NULL, &c, &e, "semi"), 0);
    assert_int_equal(c.w[0].n, 2);
    assert_true(c.w[0].lat[0] == 60.5);
    capture_free(&c);
    assert_int_equal(read_csv("time\thr\tspeed\n0\t150,5\t3,25\n1\t151\t3\n", NULL, &c, &e, "tab_comma"), 0);
    assert_int_equal(c.w[0].n, 2);
    assert_true(c.w[0].hr[0] == 150.5f && c.w[0].speed[0] == 3.25f);
    capture_free(&c);
    assert_int_equal(read_csv("time;hr;pace\n0;150;5,5\n", NULL, &c, &e, "semi_pace"), 0);
    assert_true(fabs(c.w[0].speed[0] - 1000.0 / 330.0) < 1e-5); /* 5,5 min/km */
    capture_free(&c);
    /* but not with ',' separators (a quoted "60,5"), nor with a dot too ("1.234,5"), nor two commas */
    hr_log_set_level(HR_LOG_QUIET);
    assert_int_equal(read_csv("time,hr,lat\n0,150,\"60,5\"\n1,151,60.6\n", NULL, &c, &e, NULL), 0);
    assert_int_equal(c.w[0].n, 1);
    capture_free(&c);
    assert_int_equal(read_csv("time;hr;dist\n0;150;1.234,5\n1;151;1,2,3\n2;152;7\n", NULL, &c, &e, NULL), 0);
    assert_int_equal(c.w[0].n, 1);
    capture_free(&c);
    hr_log_set_level(HR_LOG_INFO);
    assert_int_equal(read_csv("Time;HR;Lat;Lon\r\n0;150;60.5;24\r\n1;151;60.6;24.1\r\n", NULL, &c, &e, "semi2"), 0);
    assert_int_equal(c.w[0].n, 2);
    assert_true(c.w[0].lat[1] == 60.6 && c.w[0].lon[1] == 24.1);
    capture_free(&c);
    assert_int_equal(read_csv("time\thr\n0\t150\n", NULL, &c, &e, "tab"), 0);
    assert_float_equal(c.w[0].hr[0], 150, 0);
    capture_free(&c);
    assert_int_equal(read_csv("\"time\",\"note, with comma\",\"hr\"\n\"0\",\"a \"\"quoted\"\"\nline\",\"150\"\n1,x,151\n",
                              NULL, &c, &e, "quotes"),
                     0);
    assert_int_equal(c.w[0].n, 2);
    assert_float_equal(c.w[0].hr[0], 150, 0);
    assert_float_equal(c.w[0].hr[1], 151, 0);
    capture_free(&c);
    /* FIT semicircles become degrees; out of range -> NaN. */
    assert_int_equal(read_csv("timestamp,position_lat,position_long,hr\n0,-442734278,2087981632,80\n1,95,5,80\n",
                              NULL, &c, &e, "semicircle"),
                     0);
    assert_float_equal(c.w[0].lat[0], -442734278 * (180.0 / 2147483648.0), 1e-9);
    assert_float_equal(c.w[0].lon[0], 2087981632 * (180.0 / 2147483648.0), 1e-9);
    assert_true(isnan(c.w[0].lat[1]) && isnan(c.w[0].lon[1]));
    capture_free(&c);
}

/* hrcast's export layout: a workout column splits the file; metadata from each workout's first row;
 * time_s elapsed, made absolute with start_time; the grid step marked. Without a workout column the
 * same names are ignored (a user's file with an "id" or "sport" column stays one workout). */
static void test_export_layout(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    const char *text =
        "workout,id,athlete,sport,gender,device,start_time,step_s,time_s,speed_mps,altitude_m,grade,distance_m,"
        "heart_rate_bpm\n"
        "0,-1,\"Smith, Ann\",running,f,,1600000000,10,0,3.5,12.5,0,0,140\n"
        "0,-1,\"Smith, Ann\",running,f,,1600000000,10,10,3.25,,0,35,\n"
        "1,77,bob,unknown,m,Forerunner,,5,0,2,,0,0,120\n"
        "1,77,bob,unknown,m,Forerunner,,5,5,2.125,,0,10,121\n"
        "1,77,bob,unknown,m,Forerunner,,5,10,2.25,,0,20.625,122\n"
        "a-very-long-workout-key-of-more-than-sixty-four-characters-that-goes-on-and-on,1e300,c,running,u,,,10,0,3,,"
        "0,0,150\n"
        "a-very-long-workout-key-of-more-than-sixty-four-characters-that-goes-on-and-on,1e300,c,running,u,,,10,10,3,,"
        "0,30,151\n";
    assert_int_equal(read_csv(text, NULL, &c, &e, "export_layout"), 0);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.w[0].athlete, "Smith, Ann");
    assert_string_equal(c.w[0].sport, "running");
    assert_int_equal(c.w[0].gender, 'f');
    assert_true(c.w[0].start_time == 1600000000.0 && c.w[0].time[1] == 1600000010.0);
    assert_true(c.w[0].grid_step == 10.0f && c.w[0].n == 2);
    assert_true(c.w[0].speed[1] == 3.25f && c.w[0].alt[0] == 12.5f && isnan(c.w[0].alt[1]) && isnan(c.w[0].hr[1]));
    assert_int_equal(c.w[0].id, -1);
    assert_int_equal(c.w[1].id, 77);
    assert_string_equal(c.w[1].device, "Forerunner");
    assert_true(isnan(c.w[1].start_time) && c.w[1].time[2] == 10.0 && c.w[1].grid_step == 5.0f);
    assert_true(c.w[1].speed[1] == 2.125f && c.w[1].n == 3);
    assert_int_equal(c.w[2].n, 2); /* a key longer than the reader keeps is still one workout */
    assert_int_equal(c.w[2].id, -1); /* an id no long long holds (1e300) is no id (found by fuzz_csv: the cast
                                      * was undefined) */
    capture_free(&c);
    /* no workout column: one workout, the metadata names ignored */
    assert_int_equal(read_csv("id,sport,step_s,seconds,hr\n1,cycling,10,0,120\n2,cycling,10,10,121\n", NULL, &c, &e,
                              "no_workout_column"),
                     0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.w[0].n, 2);
    assert_string_equal(c.w[0].sport, "");
    assert_true(c.w[0].grid_step == 0 && c.w[0].id == -1);
    capture_free(&c);
}

static void test_missing_and_bad_rows(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    enum hr_log_level lvl = hr_log_get_level();
    hr_log_set_level(HR_LOG_QUIET);
    const char *text = "time,hr,speed\n0,0,NA\n1,,3\n2,abc,3\nx,150,3\n4,150\n5,\"150\",--\n\n";
    assert_int_equal(read_csv(text, NULL, &c, &e, "bad_rows"), 0);
    hr_log_set_level(lvl);
    assert_int_equal(c.w[0].n, 3); /* rows 0, 1, 5 */
    assert_true(isnan(c.w[0].hr[0]) && isnan(c.w[0].speed[0]));
    assert_true(isnan(c.w[0].hr[1]) && c.w[0].speed[1] == 3.0f);
    assert_true(c.w[0].time[2] == 5.0 && c.w[0].hr[2] == 150.0f && isnan(c.w[0].speed[2]));
    capture_free(&c);
}

static void test_errors(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    assert_int_equal(read_csv("hr,speed\n150,3\n", NULL, &c, &e, "no_time"), -1);
    assert_string_equal(e.msg, "t.csv: line 1: no time column (looked for timestamp, time, datetime, elapsed, secs, seconds)");
    assert_int_equal(read_csv("\n\ntime,lap,cadence\n0,1,80\n", NULL, &c, &e, "no_usable"), -1);
    assert_non_null(strstr(e.msg, "t.csv: line 3: no usable column"));
    assert_int_equal(read_csv("", NULL, &c, &e, NULL), -1);
    assert_non_null(strstr(e.msg, "empty file"));
    hr_log_set_level(HR_LOG_QUIET);
    assert_int_equal(read_csv("time,hr\nfoo,1\n", NULL, &c, &e, NULL), -1);
    hr_log_set_level(HR_LOG_INFO);
    assert_string_equal(e.msg, "t.csv: line 2: no readable data rows");
    assert_int_equal(c.n, 0);
    /* Unterminated quote at the end: counted as bad, earlier rows kept. */
    hr_log_set_level(HR_LOG_QUIET);
    assert_int_equal(read_csv("time,hr\n0,150\n1,\"15", NULL, &c, &e, "open_quote"), 0);
    hr_log_set_level(HR_LOG_INFO);
    assert_int_equal(c.w[0].n, 1);
    capture_free(&c);
}

/* ---- stderr capture, to see the warnings ---- */
static int saved_fd = -1;
static char cap_path[64];

static void stderr_begin(void)
{
    fflush(stderr);
    snprintf(cap_path, sizeof cap_path, "/tmp/hrcast-csv-stderr-%d", (int)getpid());
    FILE *f = fopen(cap_path, "w");
    assert_non_null(f);
    saved_fd = dup(fileno(stderr));
    dup2(fileno(f), fileno(stderr));
    fclose(f);
}

/* What was written to stderr since stderr_begin (at most cap - 1 bytes). */
static void stderr_end(char *out, size_t cap)
{
    fflush(stderr);
    dup2(saved_fd, fileno(stderr));
    close(saved_fd);
    FILE *f = fopen(cap_path, "r");
    assert_non_null(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
    unlink(cap_path);
}

/* A unit on the time column converts to seconds ("ms" is milliseconds there); issue: "elapsed (ms)" was
 * read as seconds (a 20 min run became 48 h) and "time (min)" as seconds (too short). */
static void test_time_column_units(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    struct {
        const char *text;
        double t1;    /* time of the second row, seconds */
        int absolute; /* start_time set */
    } cases[] = {
        {"elapsed (ms),heart_rate,speed\n0,140,3\n1000,140,3\n", 1, 0},
        {"time (ms),hr\n0,140\n1500,141\n", 1.5, 0},
        {"Time (min),hr\n0,140\n0.5,141\n", 30, 0},
        {"time (h),hr\n0,140\n0.25,141\n", 900, 0},
        {"time (s),hr\n0,140\n7,141\n", 7, 0},
        {"Elapsed [sec],hr\n0,140\n8,141\n", 8, 0},
        {"elapsed_ms,hr\n0,140\n2500,141\n", 2.5, 0},
        {"time_ms,hr\n0,140\n250,141\n", 0.25, 0},
        /* a stated unit decides, not the magnitude: Unix ms and Unix seconds */
        {"timestamp (ms),hr\n1628118761000,140\n1628118762000,141\n", 1628118762, 1},
        {"timestamp (s),hr\n1628118761,140\n1628118762,141\n", 1628118762, 1},
        {"timestamp_ms,hr\n1628118761000,140\n1628118761500,141\n", 1628118761.5, 1},
        /* dates and clocks carry their own units; an unknown unit text is ignored */
        {"time (ms),hr\n0:00:00,140\n0:01:00,141\n", 60, 0},
        {"Time (UTC),hr\n2021-08-04T23:12:41Z,140\n2021-08-04T23:12:43Z,141\n", 1628118763, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char seed[32];
        snprintf(seed, sizeof seed, "time_unit_%zu", i);
        assert_int_equal(read_csv(cases[i].text, NULL, &c, &e, seed), 0);
        assert_int_equal(c.n, 1);
        assert_int_equal(c.w[0].n, 2);
        if (fabs(c.w[0].time[1] - cases[i].t1) > 1e-6 || isnan(c.w[0].start_time) == cases[i].absolute) {
            fprintf(stderr, "case %zu: t1 %.6f want %.6f, start %f\n", i, c.w[0].time[1], cases[i].t1,
                    c.w[0].start_time);
            fail();
        }
        capture_free(&c);
    }
    /* forced Unix time on a column in ms */
    struct read_opts o;
    read_opts_default(&o);
    o.csv_time = CSV_TIME_UNIX;
    assert_int_equal(read_csv("time (ms),hr\n5000,140\n", &o, &c, &e, NULL), 0);
    assert_true(c.w[0].time[0] == 5.0 && c.w[0].start_time == 5.0);
    capture_free(&c);
    /* forced elapsed keeps a large number in minutes elapsed */
    o.csv_time = CSV_TIME_ELAPSED;
    assert_int_equal(read_csv("time (min),hr\n2000000,140\n", &o, &c, &e, NULL), 0);
    assert_true(c.w[0].time[0] == 120000000.0 && isnan(c.w[0].start_time));
    capture_free(&c);
}

/* A unit we know that does not fit its column refuses the file with one line naming the field;
 * on a column that is not read (a second time column, a pace beside a speed) it does not matter. */
static void test_unit_that_does_not_fit(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    assert_int_equal(read_csv("hr,elapsed (km/h)\n150,0\n", NULL, &c, &e, "bad_unit_time"), -1);
    assert_string_equal(e.msg, "t.csv: line 1: field 2 'elapsed (km/h)': unit 'km/h' does not fit this column (a time "
                               "column takes s, ms, min or h)");
    assert_int_equal(c.n, 0);
    struct {
        const char *text, *want;
    } cases[] = {
        {"time (m),hr\n0,150\n", "field 1 'time (m)': unit 'm' does not fit this column (a time column"},
        {"time,speed (s)\n0,3\n", "field 2 'speed (s)': unit 's' does not fit"},
        {"time,speed (km)\n0,3\n", "unit 'km' does not fit this column (a speed or pace column takes"},
        {"time,altitude (mph)\n0,3\n", "unit 'mph' does not fit this column (a distance or altitude column"},
        {"time,distance (min/km)\n0,3\n", "unit 'min/km' does not fit"},
        {"time,Heart Rate (km)\n0,150\n", "field 2 'Heart Rate (km)': unit 'km' does not fit this column (this "
                                            "column takes no unit)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (read_csv(cases[i].text, NULL, &c, &e, NULL) != -1 || !strstr(e.msg, cases[i].want)) {
            fprintf(stderr, "case %zu: %s\n", i, e.msg);
            fail();
        }
    }
    /* not read: no refusal */
    assert_int_equal(read_csv("elapsed (km/h),timestamp,hr\n0,1628118761,150\n", NULL, &c, &e, NULL), 0);
    assert_true(c.w[0].time[0] == 1628118761.0);
    capture_free(&c);
    assert_int_equal(read_csv("time,speed,pace (km)\n0,3,1\n", NULL, &c, &e, NULL), 0);
    assert_true(c.w[0].speed[0] == 3.0f);
    capture_free(&c);
}

/* A bare speed column stays m/s (the documented default) but a median above 7 m/s gets one warning that
 * names --csv-speed as it is written on the command line. */
static void test_bare_speed_looks_like_kmh(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    char err[1024];
    stderr_begin();
    assert_int_equal(read_csv("time,speed\n0,10.8\n1,0\n2,11\n3,10.5\n", NULL, &c, &e, "bare_kmh"), 0);
    stderr_end(err, sizeof err);
    assert_true(c.w[0].speed[0] == 10.8f); /* still read as m/s */
    capture_free(&c);
    assert_non_null(strstr(err, "warning: t.csv: the speed column has no unit"));
    assert_non_null(strstr(err, "median is 10.8 m/s"));
    assert_non_null(strstr(err, "--csv-speed km/h"));
    assert_true(strchr(err, '\n') == err + strlen(err) - 1); /* one line */
    /* no warning: a running speed, a stated unit, or --csv-speed given */
    struct read_opts o;
    read_opts_default(&o);
    o.csv_speed = CSV_SPEED_MS;
    const char *quiet[] = {"time,speed\n0,3\n1,3.2\n", "time,speed (m/s)\n0,10.8\n1,11\n",
                           "time,speed (km/h)\n0,10.8\n1,11\n"};
    for (size_t i = 0; i < 4; i++) {
        stderr_begin();
        assert_int_equal(read_csv(i < 3 ? quiet[i] : "time,speed\n0,10.8\n1,11\n", i < 3 ? NULL : &o, &c, &e, NULL),
                         0);
        stderr_end(err, sizeof err);
        assert_string_equal(err, "");
        capture_free(&c);
    }
}

/* Times that run backwards are named (prep then drops all but one sample: no_time); one glitch is not. */
static void test_times_run_backwards(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    char err[1024];
    stderr_begin();
    assert_int_equal(read_csv("time,hr\n4,150\n3,150\n2,150\n1,150\n0,150\n", NULL, &c, &e, "backwards"), 0);
    stderr_end(err, sizeof err);
    assert_int_equal(c.w[0].n, 5);
    capture_free(&c);
    assert_string_equal(err, "warning: t.csv: the times run backwards (4 of 4 steps go back in time): rows must be in "
                             "increasing time order (a row earlier than the one before is dropped as "
                             "clock_backwards)\n");
    stderr_begin();
    assert_int_equal(read_csv("time,hr\n0,150\n1,150\n5,150\n2,150\n3,150\n", NULL, &c, &e, NULL), 0);
    stderr_end(err, sizeof err);
    assert_string_equal(err, "");
    capture_free(&c);
}

/* A bare time column of elapsed milliseconds (0, 1000, ...) lasting more than a day as seconds is read as
 * ms with a warning; a shorter one gets a warning naming 'time (ms)'; a stated unit is never second-guessed;
 * Unix microseconds and nanoseconds are told by their size. Until 2026-12-07 a 20 min run in ms became 48 h
 * and epoch microseconds were read as milliseconds (year 55000). */
static void test_time_in_ms_or_us(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    char err[1024], text[64 * 1300];
    size_t k = (size_t)snprintf(text, sizeof text, "time,hr\n");
    for (int i = 0; i < 1200; i++)
        k += (size_t)snprintf(text + k, sizeof text - k, "%d,150\n", i * 1000);
    stderr_begin();
    assert_int_equal(read_csv(text, NULL, &c, &e, "elapsed_ms"), 0);
    stderr_end(err, sizeof err);
    assert_true(c.w[0].time[1] == 1.0 && c.w[0].time[1199] == 1199.0);
    assert_true(isnan(c.w[0].start_time));
    capture_free(&c);
    assert_non_null(strstr(err, "warning: t.csv: the time column has no unit and its samples are 1000 apart (median), "
                                "333 h in all as seconds: read as elapsed milliseconds (20.0 min)"));
    assert_true(strchr(err, '\n') == err + strlen(err) - 1); /* one line */
    /* stated seconds: kept as written, no warning */
    char stated[sizeof text + 8];
    snprintf(stated, sizeof stated, "time (s),hr\n%s", strchr(text, '\n') + 1);
    stderr_begin();
    assert_int_equal(read_csv(stated, NULL, &c, &e, NULL), 0);
    stderr_end(err, sizeof err);
    assert_string_equal(err, "");
    assert_true(c.w[0].time[1] == 1000.0);
    capture_free(&c);
    /* a minute in ms: not clear enough to rescale, but named */
    stderr_begin();
    assert_int_equal(read_csv("time,hr\n0,150\n1000,150\n2000,150\n3000,150\n", NULL, &c, &e, NULL), 0);
    stderr_end(err, sizeof err);
    assert_true(c.w[0].time[1] == 1000.0);
    capture_free(&c);
    assert_non_null(strstr(err, "samples are 1000 s apart (median); if it holds milliseconds, name the column "
                                "'time (ms)'"));
    /* Unix microseconds and nanoseconds */
    assert_int_equal(read_csv("timestamp,hr\n1628118761000000,80\n1628118762000000,81\n", NULL, &c, &e, "unixus"), 0);
    assert_true(c.w[0].time[0] == 1628118761.0 && c.w[0].start_time == 1628118761.0);
    capture_free(&c);
    assert_int_equal(read_csv("timestamp,hr\n1628118761000000000,80\n", NULL, &c, &e, "unixns"), 0);
    assert_true(fabs(c.w[0].time[0] - 1628118761.0) < 1e-3);
    capture_free(&c);
}

/* A date column beside a time of day is one absolute time (UTC, as a date without a zone); until 2026-12-07
 * the date was ignored without a word (start time unknown). */
static void test_date_and_time_of_day_columns(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    assert_int_equal(read_csv("date,time,heart_rate,speed\n2024-05-01,07:00:00,140,3\n2024-05-01,07:00:01,141,3\n",
                              NULL, &c, &e, "date_time"),
                     0);
    assert_true(c.w[0].start_time == 1714546800.0);
    assert_true(c.w[0].time[1] == 1714546801.0);
    capture_free(&c);
    /* the date column says when midnight passes; a row without a readable date is skipped */
    assert_int_equal(read_csv("Date;Time;hr\n2024-04-30;23:59:59;140\n2024-05-01;00:00:00;141\n;00:00:01;142\n"
                              "2024-05-01;00:00:02;142\n",
                              NULL, &c, &e, NULL),
                     0);
    assert_int_equal(c.w[0].n, 3);
    assert_true(c.w[0].time[0] == 1714521599.0 && c.w[0].time[1] == 1714521600.0 && c.w[0].time[2] == 1714521602.0);
    capture_free(&c);
    /* --csv-time elapsed keeps the time of day elapsed */
    struct read_opts o;
    read_opts_default(&o);
    o.csv_time = CSV_TIME_ELAPSED;
    assert_int_equal(read_csv("date,time,hr\n2024-05-01,0:00:00,140\n2024-05-01,0:00:01,141\n", &o, &c, &e, NULL), 0);
    assert_true(isnan(c.w[0].start_time) && c.w[0].time[1] == 1.0);
    capture_free(&c);
    /* an elapsed column beside a date is no time of day: no start time is invented (it made 00:00:00Z) */
    assert_int_equal(read_csv("date,elapsed,hr\n2024-05-01,0:00:00,140\n2024-05-01,0:00:01,141\n", NULL, &c, &e, NULL),
                     0);
    assert_true(isnan(c.w[0].start_time) && c.w[0].time[1] == 1.0);
    capture_free(&c);
    /* a "date" column holding the activity's timestamp beside an elapsed h:mm:ss is ignored, as before the date
     * rule (every row failed "unreadable date") */
    assert_int_equal(read_csv("date,time,hr\n2024-05-01T07:00:00Z,0:00:00,140\n2024-05-01T07:00:00Z,0:00:01,141\n",
                              NULL, &c, &e, NULL),
                     0);
    assert_int_equal(c.w[0].n, 2);
    assert_true(isnan(c.w[0].start_time) && c.w[0].time[1] == 1.0);
    capture_free(&c);
    /* hh:mm beside a date is hours and minutes (07:00 was read as 00:07:00) */
    assert_int_equal(read_csv("date,time,hr\n2024-05-01,07:00,140\n2024-05-01,07:01,141\n", NULL, &c, &e, NULL), 0);
    assert_true(c.w[0].start_time == 1714546800.0 && c.w[0].time[1] == 1714546860.0);
    capture_free(&c);
}

/* A clock time (h:mm:ss) passing midnight is the next day: 23:59:50 .. 00:00:10 goes on, not back by 24 h
 * (the rows after midnight were dropped as clock_backwards, silently), over two nights too; an elapsed
 * h:mm:ss that goes back a little is still backwards */
static void test_clock_time_passes_midnight(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    assert_int_equal(read_csv("time,hr,speed\n23:59:50,150,3\n23:59:55,151,3\n00:00:00,152,3\n00:00:05,153,3\n"
                              "01:00:00,154,3\n",
                              NULL, &c, &e, "midnight"),
                     0);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.w[0].n, 5);
    assert_true(c.w[0].time[1] - c.w[0].time[0] == 5);
    assert_true(c.w[0].time[2] - c.w[0].time[1] == 5);
    assert_true(c.w[0].time[4] - c.w[0].time[0] == 3610);
    capture_free(&c);
    /* two nights: 22:00 -> 01:00 -> 23:30 -> 00:30 */
    assert_int_equal(read_csv("time,hr\n22:00:00,150\n01:00:00,150\n23:30:00,150\n00:30:00,150\n", NULL, &c, &e, NULL),
                     0);
    assert_true(c.w[0].time[3] - c.w[0].time[0] == 26 * 3600 + 1800);
    capture_free(&c);
    /* not a time of day: 1:00:00 back to 0:59:00 stays backwards (under 22 h) */
    char err[1024];
    stderr_begin();
    assert_int_equal(read_csv("time,hr\n1:00:00,150\n0:59:00,150\n0:58:00,150\n", NULL, &c, &e, NULL), 0);
    stderr_end(err, sizeof err);
    assert_true(c.w[0].time[1] < c.w[0].time[0]);
    assert_non_null(strstr(err, "the times run backwards"));
    capture_free(&c);
}

/* A row holds at most 4096 fields that are read: a time column beyond names the limit, not "no time
 * column"; columns beyond it in a file that is otherwise read get one warning. */
static void test_field_limit(void **state)
{
    (void)state;
    struct capture c;
    struct hr_err e;
    enum { NX = 5000 };
    char *text = malloc(NX * 2 + 64);
    assert_non_null(text);
    size_t k = 0;
    for (int i = 0; i < NX; i++)
        text[k++] = 'x', text[k++] = ',';
    k += (size_t)sprintf(text + k, "time,hr\n");
    assert_int_equal(read_csv(text, NULL, &c, &e, NULL), -1);
    assert_string_equal(e.msg, "t.csv: line 1: no time column among the first 4096 fields: the header has 5002, more "
                               "than the 4096-field limit (looked for timestamp, time, datetime, elapsed, secs, "
                               "seconds)");
    k = (size_t)sprintf(text, "time,hr");
    for (int i = 0; i < NX; i++)
        text[k++] = ',', text[k++] = 'x';
    k += (size_t)sprintf(text + k, "\n0,150\n");
    char err[1024];
    stderr_begin();
    assert_int_equal(read_csv(text, NULL, &c, &e, NULL), 0);
    stderr_end(err, sizeof err);
    assert_int_equal(c.w[0].n, 1);
    capture_free(&c);
    assert_string_equal(err, "warning: t.csv: line 1: fields after the 4096-field limit are not read (the header has "
                             "5002)\n");
    free(text);
}

/* ---- integration: the FIT-decoded CSVs of rikluost-athlete-hr-predict vs index.tsv ---- */
static void test_real_rikluost_csvs_match_index(void **state)
{
    (void)state;
    const char *root = real_data_dir();
    if (!root) {
        printf("skip: no real data folder (../shared/data/real)\n");
        skip();
    }
    char dir[1024], path[2048];
    snprintf(dir, sizeof dir, "%s/rikluost-athlete-hr-predict", root);
    snprintf(path, sizeof path, "%s/index.tsv", dir);
    FILE *idx = fopen(path, "r");
    if (!idx) {
        printf("skip: %s missing\n", path);
        skip();
    }
    char line[4096];
    int files = 0;
    assert_non_null(fgets(line, sizeof line, idx)); /* header */
    while (fgets(line, sizeof line, idx)) {
        char file[1024], fmt[32], sport[32];
        long n, nhr, nspd, ngps, nalt;
        double dur;
        if (sscanf(line, "%1023[^\t]\t%31[^\t]\t%31[^\t]\t%ld\t%ld\t%ld\t%ld\t%ld\t%lf", file, fmt, sport, &n, &nhr,
                   &nspd, &ngps, &nalt, &dur) != 9 ||
            strcmp(fmt, "csv") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, file);
        struct capture c;
        memset(&c, 0, sizeof c);
        struct hr_err e;
        int rc = io_read_path(path, NULL, capture_sink, &c, &e);
        if (rc)
            fprintf(stderr, "%s\n", e.msg);
        assert_int_equal(rc, 0);
        assert_int_equal(c.n, 1);
        struct workout *w = &c.w[0];
        size_t ngps_got = 0;
        for (size_t i = 0; i < w->n; i++)
            ngps_got += !isnan(w->lat[i]) && !isnan(w->lon[i]);
        if ((long)w->n != n || (long)workout_count_float(w, w->hr) != nhr ||
            (long)workout_count_float(w, w->speed) != nspd || (long)ngps_got != ngps ||
            (long)workout_count_float(w, w->alt) != nalt || fabs(w->time[w->n - 1] - w->time[0] - dur) > 0.5 ||
            isnan(w->start_time)) {
            fprintf(stderr, "%s: n %zu/%ld hr %zu/%ld spd %zu/%ld gps %zu/%ld alt %zu/%ld dur %.1f/%.1f\n", file, w->n,
                    n, workout_count_float(w, w->hr), nhr, workout_count_float(w, w->speed), nspd, ngps_got, ngps,
                    workout_count_float(w, w->alt), nalt, w->time[w->n - 1] - w->time[0], dur);
            fail();
        }
        if (ngps) { /* New Zealand */
            assert_true(w->lat[0] < -30 && w->lat[0] > -48 && w->lon[0] > 165 && w->lon[0] < 179);
        }
        capture_free(&c);
        files++;
    }
    fclose(idx);
    printf("rikluost: %d CSV files match index.tsv\n", files);
    assert_true(files >= 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_parser_strict_and_exact),
        cmocka_unit_test(test_iso_and_clock_times),
        cmocka_unit_test(test_one_date_validation_for_csv_and_xml),
        cmocka_unit_test(test_column_spellings),
        cmocka_unit_test(test_speed_unit_option_and_enhanced_priority),
        cmocka_unit_test(test_time_rules),
        cmocka_unit_test(test_separators_quotes_positions),
        cmocka_unit_test(test_missing_and_bad_rows),
        cmocka_unit_test(test_export_layout),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_time_column_units),
        cmocka_unit_test(test_unit_that_does_not_fit),
        cmocka_unit_test(test_bare_speed_looks_like_kmh),
        cmocka_unit_test(test_times_run_backwards),
        cmocka_unit_test(test_clock_time_passes_midnight),
        cmocka_unit_test(test_time_in_ms_or_us),
        cmocka_unit_test(test_date_and_time_of_day_columns),
        cmocka_unit_test(test_field_limit),
        cmocka_unit_test(test_real_rikluost_csvs_match_index),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
