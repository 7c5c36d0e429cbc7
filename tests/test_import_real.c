/* test_import_real.c — integration over ../shared/data/real: `hrcast import` accepts at least 1,250
 * running workouts with HR, explains every rejection by reason, and per-workout sample counts and
 * durations agree with the folders' index.tsv (spot-checked on every 7th file); glitched timestamps
 * cost a sample, not the rest of a run, and no run is dated beyond 2100. Skipped with a
 * message when the folder is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "data/dataset.h"
#include "testutil.h"

static void test_import_real_folder(void **state)
{
    (void)state;
    const char *real = real_data_dir();
    if (!real) {
        printf("SKIP: ../shared/data/real is absent\n");
        skip();
    }
    char *dir = make_temp_dir();
    char ds_path[512], cmd[2048];
    snprintf(ds_path, sizeof ds_path, "%s/real.hrd", dir);
    snprintf(cmd, sizeof cmd, "'%s' import --athlete-from-dir -q '%s' -o '%s' 2>%s/err.txt", hrcast_bin(), real,
             ds_path, dir);
    int rc = system(cmd);
    assert_int_equal(rc, 0); /* every file read (the summary CSV there is read and rejected: no_hr) */
    struct dataset ds;
    struct hr_err e;
    assert_int_equal(dataset_open(ds_path, &ds, &e), 0);
    printf("real data: %d workouts accepted\n", ds.n);
    assert_true(ds.n >= 1250);
    long long rejected = 0;
    for (int r = 0; r < ds.n_reject; r++)
        if (strncmp(ds.reject[r].reason, "mask:", 5))
            rejected += ds.reject[r].count;
    printf("real data: %lld rejected, every one with a reason\n", rejected);
    /* a timestamp glitched ahead drops one sample, not the rest of the run (before 2026-12-07: 6,603
     * samples counted as going backwards, 4 after), and no accepted run is dated beyond 2100 */
    for (int r = 0; r < ds.n_reject; r++)
        if (!strcmp(ds.reject[r].reason, "mask:clock_backwards")) {
            printf("real data: %lld samples out of time order\n", (long long)ds.reject[r].count);
            assert_true(ds.reject[r].count < 100);
        }
    int undated = 0;
    for (int i = 0; i < ds.n; i++) {
        undated += isnan(ds.meta[i].start_time);
        assert_true(isnan(ds.meta[i].start_time) || (ds.meta[i].start_time > 1e8 && ds.meta[i].start_time < 4102444800.0));
    }
    printf("real data: %d workouts without a known date\n", undated);
    /* spot check against index.tsv: n samples and duration of single-workout files */
    int checked = 0, agree = 0, line_no = 0;
    char idx_cmd[1024];
    snprintf(idx_cmd, sizeof idx_cmd, "for f in '%s'/*/index.tsv; do d=$(dirname \"$f\"); tail -n +2 \"$f\" | "
             "awk -F'\\t' -v d=\"$d\" '$14==\"True\" && $15==\"True\" && $18==\"False\" && $19==\"\" {print d\"/\"$1\"\\t\"$4\"\\t\"$9}'; done",
             real);
    FILE *p = popen(idx_cmd, "r");
    assert_non_null(p);
    char line[2048];
    while (fgets(line, sizeof line, p)) {
        if (line_no++ % 7)
            continue;
        char *path = strtok(line, "\t"), *n_s = strtok(NULL, "\t"), *dur_s = strtok(NULL, "\t\n");
        if (!path || !n_s || !dur_s)
            continue;
        for (int i = 0; i < ds.n; i++) {
            if (strcmp(ds.meta[i].source, path))
                continue;
            checked++;
            long n = atol(n_s);
            double dur = atof(dur_s);
            /* n_raw counts the samples the reader produced; duration within 1 s or 1 % (clock glitches
             * make index durations of days, where prep keeps the longest segment: excluded) */
            int ok = ds.meta[i].n_raw == n &&
                     (fabs(ds.meta[i].raw_duration - dur) <= fmax(1.0, 0.01 * dur) || dur > 86400);
            agree += ok;
            if (!ok)
                printf("differs: %s: n %d vs %ld, duration %.0f vs %.0f s\n", path, ds.meta[i].n_raw, n,
                       ds.meta[i].raw_duration, dur);
            break;
        }
    }
    pclose(p);
    printf("real data: %d of %d spot-checked workouts agree with index.tsv\n", agree, checked);
    assert_true(checked >= 150);
    assert_true(agree >= checked * 95 / 100);
    dataset_close(&ds);
    remove_temp_dir(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_real_folder),
    };
    return cmocka_run_group_tests_name("import_real", tests, NULL, NULL);
}
