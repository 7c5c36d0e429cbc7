/* test_export_index.c — unit tests of Strava's activities.csv index (src/io/export_index.c): quoted fields
 * with commas, doubled quotes and newlines, repeated column names (the first wins), rows without a file,
 * the sport names, lookup by relative path, what applying an entry does to a workout, and a CSV that is
 * not an index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "io/export_index.h"

static const char *csv =
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Filename,"
    "Elapsed Time,Activity Type\r\n"
    "11,\"Jan 1, 2024\",\"Lunch, \"\"hills\"\"\",Run,\"two\nlines\",1800,activities/11.fit.gz,1,Ride\r\n"
    "12,\"Jan 2, 2024\",Commute,Ride,,900,activities/12.gpx,2,Run\r\n"
    "13,\"Jan 3, 2024\",Gym,Weight Training,,3600,,3,Run\r\n"
    "14,\"Jan 4, 2024\",Hill reps,Trail Run,,2000,activities/14.tcx,4,Run\r\n"
    "15,\"Jan 5, 2024\",Laps,Rock Climbing,,2000,activities/15.fit,5,Run";

static void test_parse_and_find(void **state)
{
    (void)state;
    struct export_index ix;
    struct hr_err e;
    assert_true(export_index_looks_like((const uint8_t *)csv, strlen(csv)));
    assert_int_equal(export_index_parse((const uint8_t *)csv, strlen(csv), "activities.csv", &ix, &e), 0);
    assert_int_equal(ix.n, 4); /* the manual activity (no Filename) is left out */
    const struct export_entry *a = export_index_find(&ix, "activities/11.fit.gz");
    assert_non_null(a);
    assert_string_equal(a->title, "Lunch, \"hills\"");
    assert_string_equal(a->sport, "running"); /* the first "Activity Type" column, not the repeated one */
    assert_string_equal(export_index_find(&ix, "activities/12.gpx")->sport, "cycling");
    assert_string_equal(export_index_find(&ix, "activities/14.tcx")->sport, "trail_running");
    assert_string_equal(export_index_find(&ix, "activities/15.fit")->sport, "rock_climbing");
    assert_null(export_index_find(&ix, "activities/13"));
    assert_null(export_index_find(&ix, "activities/99.fit"));
    export_index_free(&ix);
}

static void test_apply_sets_sport_and_title(void **state)
{
    (void)state;
    struct export_entry en = {.file = "activities/11.fit.gz", .sport = "cycling", .title = "Commute"};
    struct workout w;
    workout_init(&w);
    workout_set_sport(&w, "running");
    snprintf(w.source, sizeof w.source, "export.zip:activities/11.fit.gz");
    export_entry_apply(&en, &w);
    assert_string_equal(w.sport, "cycling");
    assert_string_equal(w.title, "Commute");
    assert_string_equal(w.source, "export.zip:activities/11.fit.gz"); /* the source stays the plain path */
    workout_free(&w);
}

static void test_not_an_index(void **state)
{
    (void)state;
    struct export_index ix;
    struct hr_err e;
    const char *other = "time,heart_rate,speed\n0,120,3\n";
    assert_false(export_index_looks_like((const uint8_t *)other, strlen(other)));
    const char *half = "Activity ID,Filename\n1,a.fit\n"; /* no Activity Type column */
    assert_int_equal(export_index_parse((const uint8_t *)half, strlen(half), "x.csv", &ix, &e), -1);
    assert_non_null(strstr(e.msg, "x.csv"));
    assert_int_equal(export_index_parse((const uint8_t *)"", 0, "empty.csv", &ix, &e), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_and_find),
        cmocka_unit_test(test_apply_sets_sport_and_title),
        cmocka_unit_test(test_not_an_index),
    };
    return cmocka_run_group_tests_name("export_index", tests, NULL, NULL);
}
