/* test_dataset.c — the .hrd dataset file: round trip, stored splits, corrupt files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "data/dataset.h"
#include "data/splits.h"
#include "util/fileio.h"
#include "testutil.h"

static void make_series(struct series *s, int n, const char *athlete, double start, int salt)
{
    assert_int_equal(series_alloc(s, n, 10.0f), 0);
    for (int c = 0; c < CH_COUNT; c++)
        for (int k = 0; k < n; k++)
            s->ch[c][k] = (float)(c * 1000 + k + salt);
    S_HR(s)[1] = NAN;
    snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", athlete);
    snprintf(s->meta.source, sizeof s->meta.source, "src-%d.fit", salt);
    snprintf(s->meta.title, sizeof s->meta.title, "Run \"%d\", hills", salt);
    snprintf(s->meta.sport, sizeof s->meta.sport, "running");
    s->meta.start_time = start;
    s->meta.gender = 'f';
}

/* A writer of <new temp dir>/t.hrd (step 10 s); *dir is freed by the caller. */
static struct dataset_writer *temp_writer(char **dir, char *path, size_t cap, struct hr_err *e)
{
    *dir = make_temp_dir();
    snprintf(path, cap, "%s/t.hrd", *dir);
    struct dataset_writer *w = dataset_writer_open(path, 10.0f, e);
    assert_non_null(w);
    return w;
}

static void test_round_trip_and_splits(void **state)
{
    (void)state;
    char *dir, path[512];
    struct hr_err e;
    struct dataset_writer *w = temp_writer(&dir, path, sizeof path, &e);
    const char *names[] = {"ann", "bob", "cid", "dan", "eve"};
    int total = 0;
    for (int a = 0; a < 5; a++)
        for (int j = 0; j < 10; j++) {
            struct series s;
            make_series(&s, 5 + j, names[a], 1e9 + (10 - j) * 86400.0, total);
            assert_int_equal(dataset_writer_add(w, &s, &e), 0);
            series_free(&s);
            total++;
        }
    struct ds_reject rj[2] = {{"too_short", 3}, {"mask:pause", 7}};
    dataset_writer_set_rejects(w, rj, 2);
    dataset_writer_set_desc(w, "unit test");
    assert_int_equal(dataset_writer_finish(w, 7, &e), 0);
    assert_int_equal(access(path, F_OK), 0);

    struct dataset ds;
    assert_int_equal(dataset_open(path, &ds, &e), 0);
    assert_int_equal(ds.n, 50);
    assert_float_equal(ds.step, 10.0f, 0);
    assert_string_equal(ds.source_desc, "unit test");
    assert_int_equal(ds.n_reject, 2);
    assert_int_equal(ds.reject[1].count, 7);
    struct series v;
    dataset_series(&ds, 13, &v);
    assert_int_equal(v.n, 8);
    assert_string_equal(v.meta.athlete, "bob");
    assert_string_equal(v.meta.source, "src-13.fit");
    assert_string_equal(v.meta.title, "Run \"13\", hills");
    assert_float_equal(S_SPEED(&v)[2], 1000 + 2 + 13, 0);
    assert_true(isnan(S_HR(&v)[1]));
    /* athlete-disjoint: each athlete in exactly one part, test and val non-empty */
    int count[3] = {0};
    for (int a = 0; a < 5; a++) {
        int part = ds.split[SPLIT_ATHLETE][a * 10];
        for (int j = 0; j < 10; j++)
            assert_int_equal(ds.split[SPLIT_ATHLETE][a * 10 + j], part);
        count[part]++;
    }
    assert_int_equal(count[PART_TRAIN], 3);
    assert_int_equal(count[PART_VAL], 1);
    assert_int_equal(count[PART_TEST], 1);
    /* chrono: per athlete, 7 train / 1 val / 2 test, and test workouts are the latest ones */
    for (int a = 0; a < 5; a++) {
        int c[3] = {0};
        for (int j = 0; j < 10; j++)
            c[ds.split[SPLIT_CHRONO][a * 10 + j]]++;
        assert_int_equal(c[0], 7);
        assert_int_equal(c[1], 1);
        assert_int_equal(c[2], 2);
        /* j = 9, 8 start earliest... j = 0, 1 latest (start = 1e9 + (10-j) days) */
        assert_int_equal(ds.split[SPLIT_CHRONO][a * 10 + 0], PART_TEST);
        assert_int_equal(ds.split[SPLIT_CHRONO][a * 10 + 1], PART_TEST);
        assert_int_equal(ds.split[SPLIT_CHRONO][a * 10 + 9], PART_TRAIN);
    }
    int n;
    int *ix = dataset_select(&ds, SPLIT_CHRONO, PART_TEST, &n);
    assert_int_equal(n, 10);
    free(ix);
    dataset_close(&ds);

    /* same seed -> same bytes */
    char path2[512];
    snprintf(path2, sizeof path2, "%s/u.hrd", dir);
    w = dataset_writer_open(path2, 10.0f, &e);
    total = 0;
    for (int a = 0; a < 5; a++)
        for (int j = 0; j < 10; j++) {
            struct series s;
            make_series(&s, 5 + j, names[a], 1e9 + (10 - j) * 86400.0, total++);
            dataset_writer_add(w, &s, &e);
            series_free(&s);
        }
    dataset_writer_set_rejects(w, rj, 2);
    dataset_writer_set_desc(w, "unit test");
    assert_int_equal(dataset_writer_finish(w, 7, &e), 0);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cmp -s %s %s", path, path2);
    assert_int_equal(system(cmd), 0);
    remove_temp_dir(dir);
    free(dir);
}

static void test_corrupt_files_are_rejected(void **state)
{
    (void)state;
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/bad.hrd", dir);
    struct hr_err e;
    struct dataset ds;
    FILE *f = fopen(path, "wb");
    fputs("not a dataset at all, but long enough to have a header of sixty-four bytes....", f);
    fclose(f);
    assert_int_equal(dataset_open(path, &ds, &e), -1);
    assert_non_null(strstr(e.msg, "bad magic"));
    /* a valid file truncated in its index */
    struct dataset_writer *w = dataset_writer_open(path, 10.0f, &e);
    struct series s;
    make_series(&s, 100, "ann", 1e9, 0);
    dataset_writer_add(w, &s, &e);
    series_free(&s);
    assert_int_equal(dataset_writer_finish(w, 1, &e), 0);
    assert_int_equal(truncate(path, 100 * 6 * 4 + 64 + 10), 0);
    assert_int_equal(dataset_open(path, &ds, &e), -1);
    assert_non_null(strstr(e.msg, "bad.hrd"));
    assert_int_equal(dataset_open("/nonexistent/x.hrd", &ds, &e), -1);
    remove_temp_dir(dir);
    free(dir);
}

/* Write bytes (len) with n bytes at pos replaced by val, open it, and expect a refusal holding want. */
static void expect_patched_refused(const char *path, const uint8_t *bytes, size_t len, size_t pos, const void *val,
                                   size_t n, const char *want)
{
    uint8_t *copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, bytes, len);
    memcpy(copy + pos, val, n);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(copy, 1, len, f), len);
    fclose(f);
    free(copy);
    struct dataset ds;
    struct hr_err e;
    assert_int_equal(dataset_open(path, &ds, &e), -1);
    if (!strstr(e.msg, want))
        fail_msg("refusal '%s' lacks '%s'", e.msg, want);
}

/* Values, not only structure, are checked (until 2026-12-07 a split byte of 7 dropped the workout from
 * every part, a valid-HR fraction of 50 or NaN was shown as such, an infinite step and a series of length
 * 0 were taken, a gender byte 0 wrote a NUL into CSV), and a file cut short says "truncated". */
static void test_bad_values_are_refused_by_name(void **state)
{
    (void)state;
    char *dir, path[512], bad[600];
    struct hr_err e;
    struct dataset_writer *w = temp_writer(&dir, path, sizeof path, &e);
    struct series s;
    make_series(&s, 100, "ann", 1e9, 0);
    assert_int_equal(dataset_writer_add(w, &s, &e), 0);
    series_free(&s);
    assert_int_equal(dataset_writer_finish(w, 1, &e), 0);
    uint8_t *b;
    size_t len;
    assert_int_equal(read_file_all(path, &b, &len, (size_t)1 << 26, &e), 0);
    snprintf(bad, sizeof bad, "%s/bad.hrd", dir);
    uint64_t ioff, off;
    memcpy(&ioff, b + 32, 8);
    size_t q = (size_t)ioff + 8; /* the first series record, after its tag and length */
    memcpy(&off, b + q, 8);
    uint8_t seven = 7, zero = 0, two = 2, code = 200;
    float f50 = 50, fnan = NAN, finf = INFINITY;
    uint32_t zero32 = 0;
    expect_patched_refused(bad, b, len, q + 12, &seven, 1, "workout 0: athlete split part 7 is not a part");
    expect_patched_refused(bad, b, len, q + 13, &seven, 1, "workout 0: chrono split part 7 is not a part");
    expect_patched_refused(bad, b, len, q + 14, &zero, 1, "workout 0: gender byte 0 is not m, f or u");
    expect_patched_refused(bad, b, len, q + 15, &two, 1, "workout 0: has_alt flag 2 is not 0 or 1");
    expect_patched_refused(bad, b, len, q + 36, &f50, 4, "workout 0: valid-HR fraction 50 is not a fraction");
    expect_patched_refused(bad, b, len, q + 36, &fnan, 4, "valid-HR fraction nan is not a fraction");
    expect_patched_refused(bad, b, len, q + 8, &zero32, 4, "workout 0: series length 0 is not a length");
    expect_patched_refused(bad, b, len, 16, &finf, 4, "grid step inf s is not a step");
    expect_patched_refused(bad, b, len, (size_t)off + 100 * CH_COUNT * 4 + 3, &code, 1,
                           "workout 0: hr_issue code 200 at step 3 is not a verdict code");
    /* cut short: in the index, and before the end of the header */
    FILE *f = fopen(bad, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, len - 5, f), len - 5);
    fclose(f);
    struct dataset ds;
    assert_int_equal(dataset_open(bad, &ds, &e), -1);
    assert_non_null(strstr(e.msg, "truncated"));
    assert_int_equal(truncate(bad, 40), 0);
    assert_int_equal(dataset_open(bad, &ds, &e), -1);
    assert_non_null(strstr(e.msg, "truncated"));
    /* the untouched file still reads */
    assert_int_equal(dataset_open(path, &ds, &e), 0);
    dataset_close(&ds);
    free(b);
    remove_temp_dir(dir);
    free(dir);
}

/* Another process truncating the file while it is open: a shared mapping died of SIGBUS on the next
 * read; the dataset is now read whole, so its series stay readable and unchanged. */
static void test_truncated_while_open(void **state)
{
    (void)state;
    char *dir, path[512];
    struct hr_err e;
    struct dataset_writer *w = temp_writer(&dir, path, sizeof path, &e);
    for (int j = 0; j < 4; j++) {
        struct series s;
        make_series(&s, 300 + j, "ann", 1e9 + j * 86400.0, j);
        dataset_writer_add(w, &s, &e);
        series_free(&s);
    }
    assert_int_equal(dataset_writer_finish(w, 1, &e), 0);
    uint8_t *bytes;
    size_t len;
    assert_int_equal(read_file_all(path, &bytes, &len, (size_t)1 << 26, &e), 0);
    seed_save("fuzz_dataset", "four_series", bytes, len);
    free(bytes);
    struct dataset ds;
    assert_int_equal(dataset_open(path, &ds, &e), 0);
    struct series s0;
    dataset_series(&ds, 0, &s0);
    float first = S_SPEED(&s0)[0];
    assert_int_equal(truncate(path, 0), 0);
    double sum = 0;
    for (int i = 0; i < ds.n; i++) {
        struct series s;
        dataset_series(&ds, i, &s);
        for (int c = 0; c < CH_COUNT; c++)
            for (int k = 0; k < s.n; k++)
                sum += isnan(s.ch[c][k]) ? 0 : s.ch[c][k];
    }
    assert_true(isfinite(sum));
    assert_float_equal(S_SPEED(&s0)[0], first, 0);
    dataset_close(&ds);
    remove_temp_dir(dir);
    free(dir);
}

static void test_split_spec(void **state)
{
    (void)state;
    int k, p;
    assert_int_equal(parse_split_spec("test", &k, &p), 0);
    assert_int_equal(k, SPLIT_ATHLETE);
    assert_int_equal(p, PART_TEST);
    assert_int_equal(parse_split_spec("chrono:val", &k, &p), 0);
    assert_int_equal(k, SPLIT_CHRONO);
    assert_int_equal(p, PART_VAL);
    assert_int_equal(parse_split_spec("all", &k, &p), 0);
    assert_int_equal(k, -1);
    assert_int_equal(parse_split_spec("bogus:test", &k, &p), -1);
    /* the short forms train and fit-physio take mean the test part of that split in eval */
    assert_int_equal(parse_split_spec("chrono", &k, &p), 0);
    assert_int_equal(k, SPLIT_CHRONO);
    assert_int_equal(p, PART_TEST);
    assert_int_equal(parse_split_spec("athlete", &k, &p), 0);
    assert_int_equal(k, SPLIT_ATHLETE);
    assert_int_equal(p, PART_TEST);
}

/* One prolific runner (40 % of the steps) among 30 small ones: for every seed the athlete split keeps
 * the prolific runner in training and gives validation and test close to their 15 % of the steps
 * (the old rule, 15 % of the athletes, made that runner the whole validation part for some seeds);
 * among balanced assignments the seed still chooses. */
static void test_athlete_split_balances_steps(void **state)
{
    (void)state;
    enum { NA = 31, PER = 4 };
    static char names[NA][8];
    const char *ath[NA * PER];
    double start[NA * PER], weight[NA * PER];
    double total = 0;
    for (int a = 0; a < NA; a++) {
        snprintf(names[a], sizeof names[a], "a%02d", a);
        for (int j = 0; j < PER; j++) {
            int i = a * PER + j;
            ath[i] = names[a];
            start[i] = 1e9 + j * 86400.0;
            weight[i] = a == 7 ? 5000.0 : 250.0 + 10 * ((a * 7 + j) % 5); /* a07: 20000 of ~50000 */
            total += weight[i];
        }
    }
    uint8_t sa[NA * PER], sc[NA * PER];
    for (uint64_t seed = 1; seed <= 40; seed++) {
        assert_int_equal(compute_splits(ath, start, weight, NA * PER, seed, sa, sc), 0);
        double w[3] = {0, 0, 0};
        for (int i = 0; i < NA * PER; i++) {
            assert_true(sa[i] <= PART_TEST);
            assert_int_equal(sa[i], sa[(i / PER) * PER]); /* athlete-disjoint */
            w[sa[i]] += weight[i];
        }
        assert_int_equal(sa[7 * PER], PART_TRAIN);
        for (int p = PART_VAL; p <= PART_TEST; p++) { /* 15 % each, within the 3-point slack and a bit */
            assert_true(w[p] / total > 0.09);
            assert_true(w[p] / total < 0.21);
        }
    }
    /* the seed still draws the split among balanced ones: six equal athletes, several assignments */
    const char *six[6] = {"p", "q", "r", "s", "t", "u"};
    double st6[6] = {1, 2, 3, 4, 5, 6}, w6[6] = {100, 101, 102, 103, 104, 105};
    uint8_t first[6], a6[6], c6[6];
    int distinct = 0;
    for (uint64_t seed = 1; seed <= 20; seed++) {
        assert_int_equal(compute_splits(six, st6, w6, 6, seed, a6, c6), 0);
        if (seed == 1)
            memcpy(first, a6, 6);
        else
            distinct += memcmp(first, a6, 6) != 0;
    }
    assert_true(distinct > 0);
    /* three athletes of any size: one per part */
    const char *three[3] = {"x", "y", "z"};
    double st3[3] = {1, 2, 3}, w3[3] = {1000, 10, 10};
    uint8_t a3[3], c3[3];
    assert_int_equal(compute_splits(three, st3, w3, 3, 5, a3, c3), 0);
    assert_int_equal(a3[0] + a3[1] + a3[2], PART_TRAIN + PART_VAL + PART_TEST);
    assert_int_equal(a3[0], PART_TRAIN);
    assert_true(a3[1] != a3[2]);
}

/* The chrono split's rule exactly (⌊0.7 m⌋ train, ⌊0.1 m⌋ validation, the rest test), and undated workouts:
 * in no part when their athlete has dated ones (until 2026-12-07 they were tested as the latest runs), in
 * file-name (index) order when none is dated; the note names both counts. */
static void test_chrono_split_rule_and_undated(void **state)
{
    (void)state;
    enum { M = 9 };
    const char *ath[M];
    double start[M];
    uint8_t sa[M], sc[M];
    static const int want[][4] = {{7, 4, 0, 3}, {9, 6, 0, 3}, {10, 7, 1, 2}, {2, 1, 0, 1}, {1, 1, 0, 0}};
    for (size_t c = 0; c < sizeof want / sizeof want[0]; c++) {
        int m = want[c][0], cnt[3] = {0, 0, 0};
        const char *a10[10];
        double s10[10];
        uint8_t x[10], y[10];
        for (int i = 0; i < m; i++)
            a10[i] = "r", s10[i] = 1e9 - i; /* latest first in index order */
        assert_int_equal(compute_splits(a10, s10, NULL, m, 1, x, y), 0);
        for (int i = 0; i < m; i++)
            cnt[y[i]]++;
        assert_int_equal(cnt[0], want[c][1]);
        assert_int_equal(cnt[1], want[c][2]);
        assert_int_equal(cnt[2], want[c][3]);
        assert_int_equal(y[0], m > 1 ? PART_TEST : PART_TRAIN); /* the latest */
    }
    /* two undated among 7 dated: in no part; the dated keep the parts of the order over all nine */
    for (int i = 0; i < M; i++)
        ath[i] = "r", start[i] = i < 2 ? NAN : 1e9 + i * 86400.0;
    assert_int_equal(compute_splits(ath, start, NULL, M, 1, sa, sc), 0);
    assert_int_equal(sc[0], PART_NONE);
    assert_int_equal(sc[1], PART_NONE);
    for (int i = 2; i < 8; i++)
        assert_int_equal(sc[i], PART_TRAIN);
    assert_int_equal(sc[8], PART_TEST);
    /* no dated workout at all: index (file-name) order */
    for (int i = 0; i < M; i++)
        start[i] = NAN;
    assert_int_equal(compute_splits(ath, start, NULL, M, 1, sa, sc), 0);
    for (int i = 0; i < M; i++)
        assert_int_equal(sc[i], i < 6 ? PART_TRAIN : PART_TEST);
    char note[256];
    assert_int_equal(chrono_undated_text(0, 0, 9, note, sizeof note), 0);
    assert_string_equal(note, "");
    assert_int_equal(chrono_undated_text(2, 3, 20, note, sizeof note), 1);
    assert_string_equal(note, "5 of 20 workouts have no start time: 2 left out of the chrono split (part none: where "
                              "they fall in time is unknown); 3 split in file-name order in the chrono split (their "
                              "athletes have no dated workout)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_and_splits),
        cmocka_unit_test(test_corrupt_files_are_rejected),
        cmocka_unit_test(test_bad_values_are_refused_by_name),
        cmocka_unit_test(test_truncated_while_open),
        cmocka_unit_test(test_split_spec),
        cmocka_unit_test(test_athlete_split_balances_steps),
        cmocka_unit_test(test_chrono_split_rule_and_undated),
    };
    return cmocka_run_group_tests_name("dataset", tests, NULL, NULL);
}
