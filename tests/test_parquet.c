/* test_parquet.c — hrcast's Parquet reader/writer: Thrift compact round trip, RLE hybrid decoding,
 * series -> Parquet -> workout round trips (every codec, several row groups and pages), hyparquet
 * reading our files and hyparquet-writer files in the FitRec layout read by us (both skipped when
 * tests/parquet_js/node_modules is absent; run tests/parquet_js/setup.sh), corrupt files, the card. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "io/parquet/parquet.h"
#include "data/parquet_write.h"
#include "io/parquet/parquet_card.h"
#include "io/parquet/parquet_codec.h"
#include "io/parquet/parquet_column.h"
#include "io/parquet/parquet_meta.h"
#include "io/parquet/parquet_thrift.h"
#include "io/reader.h"
#include "prep/series.h"
#include "util/fileio.h"
#include "util/log.h"
#include "support/testutil.h"

/* ---------- collecting sink ---------- */

#define MAX_W 16
struct got {
    int n;
    struct workout w[MAX_W];
};

static int collect(void *ctx, struct workout *w)
{
    struct got *g = ctx;
    if (g->n >= MAX_W)
        return 1;
    struct workout *d = &g->w[g->n++];
    workout_init(d);
    assert_int_equal(workout_reserve(d, w->n ? w->n : 1), 0);
    for (size_t i = 0; i < w->n; i++) {
        long j = workout_push(d, w->time[i]);
        d->hr[j] = w->hr[i];
        d->speed[j] = w->speed[i];
        d->alt[j] = w->alt[i];
        d->dist[j] = w->dist[i];
        d->lat[j] = w->lat[i];
        d->lon[j] = w->lon[i];
    }
    d->start_time = w->start_time;
    memcpy(d->athlete, w->athlete, sizeof d->athlete);
    memcpy(d->sport, w->sport, sizeof d->sport);
    memcpy(d->source, w->source, sizeof d->source);
    d->gender = w->gender;
    d->id = w->id;
    return 0;
}

static void got_free(struct got *g)
{
    for (int i = 0; i < g->n; i++)
        workout_free(&g->w[i]);
    g->n = 0;
}

static int feq(double a, double b, double tol) { return (isnan(a) && isnan(b)) || fabs(a - b) <= tol; }
#define assert_feq(a, b, tol)                                                                       \
    do {                                                                                            \
        double a_ = (a), b_ = (b);                                                                  \
        if (!feq(a_, b_, tol))                                                                      \
            fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);                                       \
    } while (0)

static int have_node_modules(void)
{
    struct stat st;
    return system("node --version >/dev/null 2>&1") == 0 &&
           stat("tests/parquet_js/node_modules/hyparquet-writer/package.json", &st) == 0 &&
           stat("tests/parquet_js/node_modules/hyparquet-compressors/package.json", &st) == 0;
}

static void save_seed(const char *path, const char *name)
{
    uint8_t *b;
    size_t n;
    struct hr_err e;
    if (read_file_all(path, &b, &n, 1 << 24, &e) == 0) {
        seed_save("fuzz_parquet", name, b, n);
        free(b);
    }
}

/* ---------- synthetic series ---------- */

#define NS 7
static struct series S[NS];
static const struct series *SP[NS];

static void make_series(void)
{
    for (int k = 0; k < NS; k++) {
        int n = k == 5 ? 0 : 30 + 17 * k;
        assert_int_equal(series_alloc(&S[k], n, 10.0f), 0);
        for (int i = 0; i < n; i++) {
            S_TIME(&S[k])[i] = 10.0f * (float)i;
            S_SPEED(&S[k])[i] = 2.5f + 0.01f * (float)(i % 50) + 0.1f * (float)k;
            S_ALT(&S[k])[i] = 200.0f + 0.5f * (float)i;
            S_GRADE(&S[k])[i] = 0.001f * (float)(i % 7);
            S_DIST(&S[k])[i] = 25.0f * (float)i;
            S_HR(&S[k])[i] = (i % 11 == 3) ? NAN : 130.0f + 0.25f * (float)i;
        }
        struct series_meta *m = &S[k].meta;
        snprintf(m->athlete, sizeof m->athlete, "athlete-%d", k % 3);
        if (k == 2)
            m->athlete[0] = '\0';
        snprintf(m->sport, sizeof m->sport, "%s", k == 3 ? "trail_running" : "running");
        m->gender = k % 3 == 0 ? 'm' : k % 3 == 1 ? 'f' : 'u';
        m->start_time = k == 4 ? NAN : 1.6e9 + 86400.0 * k + 0.5;
        m->id = k == 1 ? -1 : 5000 + k;
        m->has_alt = k != 6;
        SP[k] = &S[k];
    }
}

static void free_series(void)
{
    for (int k = 0; k < NS; k++)
        series_free(&S[k]);
}

static void check_roundtrip(const struct got *g)
{
    assert_int_equal(g->n, NS);
    for (int k = 0; k < NS; k++) {
        const struct workout *w = &g->w[k];
        const struct series *s = &S[k];
        assert_int_equal((int)w->n, s->n);
        assert_int_equal(w->id, s->meta.id);
        assert_string_equal(w->athlete, s->meta.athlete);
        assert_string_equal(w->sport, s->meta.sport);
        assert_int_equal(w->gender, s->meta.gender);
        assert_feq(w->start_time, s->meta.start_time, 0);
        double t0 = isnan(s->meta.start_time) ? 0 : s->meta.start_time;
        for (int i = 0; i < s->n; i++) {
            assert_feq(w->time[i], t0 + S_TIME(s)[i], 1e-6);
            assert_feq(w->speed[i], S_SPEED(s)[i], 0);
            assert_feq(w->alt[i], s->meta.has_alt ? S_ALT(s)[i] : NAN, 0);
            assert_feq(w->dist[i], S_DIST(s)[i], 0);
            assert_feq(w->hr[i], S_HR(s)[i], 0);
            assert_true(isnan(w->lat[i]));
        }
    }
}

/* ---------- tests ---------- */

static void test_thrift_compact_round_trip(void **state)
{
    (void)state;
    struct tc_writer w;
    tc_writer_init(&w);
    tc_root_begin(&w);
    tc_put_i32(&w, 1, -7);
    tc_put_i64(&w, 3, 1LL << 40);
    tc_put_string(&w, 20, "hello"); /* long delta: explicit field id */
    tc_put_bool(&w, 21, 1);
    tc_put_list_begin(&w, 22, TC_I32, 20);
    for (int i = 0; i < 20; i++)
        tc_put_elem_i32(&w, i * 1000 - 3);
    tc_put_struct_begin(&w, 23);
    tc_put_i32(&w, 1, 42);
    tc_put_struct_end(&w);
    tc_put_i32(&w, 24, 9);
    tc_root_end(&w);
    assert_int_equal(w.oom, 0);
    seed_save("fuzz_parquet", "thrift_blob", w.buf, w.len);

    struct tc_reader r;
    tc_reader_init(&r, w.buf, w.len);
    int id, t, seen = 0;
    tc_struct_begin(&r);
    while (tc_field(&r, &id, &t)) {
        switch (id) {
        case 1: assert_int_equal(tc_int(&r, t), -7); seen |= 1; break;
        case 3: assert_true(tc_int(&r, t) == (1LL << 40)); seen |= 2; break;
        case 20: {
            size_t n;
            const uint8_t *s = tc_binary(&r, &n);
            assert_int_equal(n, 5);
            assert_memory_equal(s, "hello", 5);
            seen |= 4;
            break;
        }
        case 21: assert_int_equal(t, TC_TRUE); seen |= 8; break;
        case 22: {
            int et;
            size_t n = tc_list(&r, &et);
            assert_int_equal(n, 20);
            assert_int_equal(et, TC_I32);
            for (size_t i = 0; i < n; i++)
                assert_int_equal(tc_zigzag(&r), (int)i * 1000 - 3);
            seen |= 16;
            break;
        }
        case 23: tc_skip(&r, t); seen |= 32; break; /* skipping a nested struct keeps ids straight */
        case 24: assert_int_equal(tc_int(&r, t), 9); seen |= 64; break;
        default: fail_msg("unexpected field %d", id);
        }
    }
    tc_struct_end(&r);
    assert_null(r.err);
    assert_int_equal(seen, 127);
    assert_int_equal(tc_offset(&r), w.len);
    /* truncation is an error, not a crash */
    tc_reader_init(&r, w.buf, w.len / 2);
    tc_struct_begin(&r);
    while (tc_field(&r, &id, &t))
        tc_skip(&r, t);
    assert_non_null(r.err);
    tc_writer_free(&w);
}

static void test_rle_hybrid_decoding(void **state)
{
    (void)state;
    /* RLE run of 5 x value 3 (bw 2), then one bit-packed group of 8 values 0..3,0..3 (bw 2). */
    const uint8_t buf[] = {5 << 1, 3, (1 << 1) | 1, 0xE4, 0xE4};
    uint32_t out[13];
    assert_int_equal(pq_rle_decode(buf, sizeof buf, 2, out, 13), (long)sizeof buf);
    const uint32_t want[13] = {3, 3, 3, 3, 3, 0, 1, 2, 3, 0, 1, 2, 3};
    assert_memory_equal(out, want, sizeof want);
    assert_int_equal(pq_rle_decode(buf, 3, 2, out, 13), -1); /* truncated group */
    assert_int_equal(pq_rle_decode(buf, sizeof buf, 2, out, 14), -1); /* asks for too many */
}

static void test_series_round_trip_every_codec(void **state)
{
    (void)state;
    make_series();
    char *dir = make_temp_dir();
    const int codecs[] = {PQ_UNCOMPRESSED, PQ_SNAPPY, PQ_GZIP, PQ_ZSTD};
    for (size_t c = 0; c < 4; c++) {
        char path[512];
        snprintf(path, sizeof path, "%s/rt_%s.parquet", dir, pq_codec_name(codecs[c]));
        struct pq_write_opts o;
        pq_write_opts_default(&o);
        o.codec = codecs[c];
        o.rows_per_group = 3; /* 3 row groups */
        o.page_bytes = 300;   /* several pages per chunk */
        struct hr_err e;
        if (parquet_write_series(path, SP, NS, &o, &e))
            fail_msg("%s", e.msg);
        struct got g = {0};
        if (io_read_path(path, NULL, collect, &g, &e))
            fail_msg("%s", e.msg);
        check_roundtrip(&g);
        assert_non_null(strstr(g.w[2].source, "#row 2"));
        got_free(&g);
        save_seed(path, pq_codec_name(codecs[c]));
    }
    /* one row group, default page size, and an empty file */
    char path[512];
    snprintf(path, sizeof path, "%s/one.parquet", dir);
    struct hr_err e;
    assert_int_equal(parquet_write_series(path, SP, NS, NULL, &e), 0);
    struct got g = {0};
    assert_int_equal(io_read_path(path, NULL, collect, &g, &e), 0);
    check_roundtrip(&g);
    got_free(&g);
    snprintf(path, sizeof path, "%s/empty.parquet", dir);
    assert_int_equal(parquet_write_series(path, SP, 0, NULL, &e), 0);
    assert_int_equal(io_read_path(path, NULL, collect, &g, &e), 0);
    assert_int_equal(g.n, 0);
    remove_temp_dir(dir);
    free(dir);
    free_series();
}

/* hyparquet (JavaScript) reads the files we write: compare its per-row summary with ours. */
static void test_hyparquet_reads_our_files(void **state)
{
    (void)state;
    if (!have_node_modules()) {
        printf("SKIP: tests/parquet_js/node_modules absent (run tests/parquet_js/setup.sh)\n");
        skip();
    }
    make_series();
    char *dir = make_temp_dir();
    const int codecs[] = {PQ_UNCOMPRESSED, PQ_SNAPPY, PQ_GZIP, PQ_ZSTD};
    for (size_t c = 0; c < 4; c++) {
        char path[512], cmd[1200], out[600];
        snprintf(path, sizeof path, "%s/js_%s.parquet", dir, pq_codec_name(codecs[c]));
        snprintf(out, sizeof out, "%s/js_%s.tsv", dir, pq_codec_name(codecs[c]));
        struct pq_write_opts o;
        pq_write_opts_default(&o);
        o.codec = codecs[c];
        o.rows_per_group = 4;
        o.page_bytes = 500;
        struct hr_err e;
        assert_int_equal(parquet_write_series(path, SP, NS, &o, &e), 0);
        snprintf(cmd, sizeof cmd, "node tests/parquet_js/read.mjs '%s' > '%s'", path, out);
        assert_int_equal(system(cmd), 0);
        FILE *f = fopen(out, "r");
        assert_non_null(f);
        char line[4096];
        assert_non_null(fgets(line, sizeof line, f));
        int rows = -1, groups = -1;
        assert_int_equal(sscanf(line, "rows\t%d\t%d", &rows, &groups), 2);
        assert_int_equal(rows, NS);
        assert_int_equal(groups, 2);
        for (int k = 0; k < NS; k++) {
            assert_non_null(fgets(line, sizeof line, f));
            line[strcspn(line, "\n")] = '\0';
            char *field[16];
            int nf = 0;
            for (char *p = strtok(line, "\t"); p && nf < 16; p = strtok(NULL, "\t"))
                field[nf++] = p;
            assert_int_equal(nf, 12);
            const struct series *s = &S[k];
            if (s->meta.id < 0)
                assert_string_equal(field[0], "null");
            else
                assert_int_equal(strtoll(field[0], NULL, 10), s->meta.id);
            assert_string_equal(field[1], s->meta.athlete[0] ? s->meta.athlete : "null");
            assert_string_equal(field[2], s->meta.sport);
            assert_string_equal(field[3], s->meta.gender == 'm' ? "male" : s->meta.gender == 'f' ? "female" : "null");
            if (isnan(s->meta.start_time))
                assert_string_equal(field[4], "null");
            else
                assert_feq(strtod(field[4], NULL), s->meta.start_time, 0);
            assert_feq(strtod(field[5], NULL), 10.0, 0);
            for (int ch = 0; ch < 6; ch++) {
                static const int order[6] = {CH_TIME, CH_SPEED, CH_ALT, CH_GRADE, CH_DIST, CH_HR};
                const float *x = s->ch[order[ch]];
                if (order[ch] == CH_ALT && !s->meta.has_alt) {
                    assert_string_equal(field[6 + ch], "null");
                    continue;
                }
                double sum = 0;
                int nans = 0;
                for (int i = 0; i < s->n; i++) {
                    if (isnan(x[i]))
                        nans++;
                    else
                        sum += x[i];
                }
                int len = -1, jn = -1;
                double jsum = 0;
                assert_int_equal(sscanf(field[6 + ch], "%d:%lf:%d", &len, &jsum, &jn), 3);
                assert_int_equal(len, s->n);
                assert_int_equal(jn, nans);
                assert_feq(jsum, sum, 1e-7 * (fabs(sum) + 1));
            }
        }
        fclose(f);
    }
    remove_temp_dir(dir);
    free(dir);
    free_series();
}

/* Files in the FitRec publication layout written by hyparquet-writer (data page v2, dictionary and
 * BYTE_STREAM_SPLIT encodings, several row groups, three codecs): formulas as in write_ref.mjs. */
static void test_reads_hyparquet_writer_fitrec_layout(void **state)
{
    (void)state;
    if (!have_node_modules()) {
        printf("SKIP: tests/parquet_js/node_modules absent (run tests/parquet_js/setup.sh)\n");
        skip();
    }
    char *dir = make_temp_dir();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "node tests/parquet_js/write_ref.mjs '%s' >/dev/null", dir);
    assert_int_equal(system(cmd), 0);
    const char *codecs[] = {"uncompressed", "snappy", "gzip"};
    for (int c = 0; c < 3; c++) {
        char path[600];
        snprintf(path, sizeof path, "%s/fitrec_%s.parquet", dir, codecs[c]);
        save_seed(path, codecs[c]);
        struct got g = {0};
        struct hr_err e;
        if (io_read_path(path, NULL, collect, &g, &e))
            fail_msg("%s", e.msg);
        assert_int_equal(g.n, 5);
        for (int r = 0; r < 5; r++) {
            const struct workout *w = &g.w[r];
            assert_int_equal((int)w->n, 20 + 7 * r);
            assert_int_equal(w->id, 1000 + r);
            char ath[8];
            snprintf(ath, sizeof ath, "%d", 77 + r % 2);
            assert_string_equal(w->athlete, ath);
            assert_string_equal(w->sport, r == 4 ? "bike" : "run");
            assert_int_equal(w->gender, r % 2 ? 'f' : 'm');
            assert_feq(w->start_time, 1400000000.0 + 1000 * r, 0);
            for (int i = 0; i < (int)w->n; i++) {
                assert_feq(w->time[i], 1400000000.0 + 1000 * r + 3 * i, 0);
                double kmh = 8 + r + 0.5 * (i % 5);
                assert_feq(w->speed[i], (r == 1 && i == 3) ? NAN : kmh / 3.6, 1e-6); /* km/h -> m/s */
                assert_feq(w->hr[i], (r == 2 && i == 5) ? NAN : 120 + r + i, 0);
                assert_feq(w->alt[i], 100 + 0.25 * i, 1e-4);
                assert_feq(w->lat[i], 45 + 0.001 * i, 1e-12);
                assert_feq(w->lon[i], 7 + 0.002 * r, 1e-12);
                assert_true(isnan(w->dist[i]));
            }
        }
        got_free(&g);
    }
    /* step_s time base + speed_kmh; TIMESTAMP_MILLIS time base + key/value speed unit m/s */
    char path[600];
    snprintf(path, sizeof path, "%s/steps.parquet", dir);
    save_seed(path, "steps");
    struct got g = {0};
    struct hr_err e;
    if (io_read_path(path, NULL, collect, &g, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(g.n, 2);
    for (int r = 0; r < 2; r++) {
        const struct workout *w = &g.w[r];
        assert_int_equal((int)w->n, 10 + r);
        assert_feq(w->start_time, 1500000000.0 + 100 * r, 0);
        for (int i = 0; i < (int)w->n; i++) {
            assert_feq(w->time[i], 1500000000.0 + 100 * r + 6.0 * i, 0);
            assert_feq(w->speed[i], (9 + 0.5 * i) / 3.6, 1e-6);
            assert_feq(w->hr[i], 140 + i + r, 0);
            assert_true(isnan(w->alt[i]));
        }
    }
    got_free(&g);
    snprintf(path, sizeof path, "%s/kv_ms.parquet", dir);
    save_seed(path, "kv_ms");
    if (io_read_path(path, NULL, collect, &g, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(g.n, 2);
    for (int r = 0; r < 2; r++) {
        const struct workout *w = &g.w[r];
        assert_int_equal((int)w->n, 8);
        assert_feq(w->start_time, 1500000000.0 + r, 0);
        for (int i = 0; i < 8; i++) {
            assert_feq(w->time[i], 1500000000.0 + r + 2.5 * i, 1e-6);
            assert_feq(w->speed[i], 3 + 0.25 * i + r, 1e-6); /* metadata says m/s: not divided */
            assert_true(isnan(w->hr[i]));
        }
    }
    got_free(&g);
    remove_temp_dir(dir);
    free(dir);
}

/* A footer-only file with the given columns (INT32 scalars and float lists), no row groups. */
static size_t tiny_file(uint8_t *out, size_t cap, const char *scalar, const char *list)
{
    struct tc_writer t;
    tc_writer_init(&t);
    tc_root_begin(&t);
    tc_put_i32(&t, 1, 1);
    int kids = (scalar != NULL) + (list != NULL);
    tc_put_list_begin(&t, 2, TC_STRUCT, 1 + (scalar != NULL) + 3 * (list != NULL));
    tc_put_struct_begin(&t, 0);
    tc_put_string(&t, 4, "schema");
    tc_put_i32(&t, 5, kids);
    tc_put_struct_end(&t);
    if (scalar) {
        tc_put_struct_begin(&t, 0);
        tc_put_i32(&t, 1, PQ_INT32);
        tc_put_i32(&t, 3, PQ_REQUIRED);
        tc_put_string(&t, 4, scalar);
        tc_put_struct_end(&t);
    }
    if (list) {
        tc_put_struct_begin(&t, 0);
        tc_put_i32(&t, 3, PQ_OPTIONAL);
        tc_put_string(&t, 4, list);
        tc_put_i32(&t, 5, 1);
        tc_put_struct_end(&t);
        tc_put_struct_begin(&t, 0);
        tc_put_i32(&t, 3, PQ_REPEATED);
        tc_put_string(&t, 4, "list");
        tc_put_i32(&t, 5, 1);
        tc_put_struct_end(&t);
        tc_put_struct_begin(&t, 0);
        tc_put_i32(&t, 1, PQ_FLOAT);
        tc_put_i32(&t, 3, PQ_OPTIONAL);
        tc_put_string(&t, 4, "element");
        tc_put_struct_end(&t);
    }
    tc_put_i64(&t, 3, 0);
    tc_put_list_begin(&t, 4, TC_STRUCT, 0);
    tc_root_end(&t);
    assert_true(t.len + 12 <= cap);
    memcpy(out, "PAR1", 4);
    memcpy(out + 4, t.buf, t.len);
    uint32_t L = (uint32_t)t.len;
    uint8_t tail[8] = {(uint8_t)L, (uint8_t)(L >> 8), (uint8_t)(L >> 16), (uint8_t)(L >> 24), 'P', 'A', 'R', '1'};
    memcpy(out + 4 + t.len, tail, 8);
    size_t n = 12 + t.len;
    tc_writer_free(&t);
    return n;
}

static void expect_error(const uint8_t *b, size_t n, const char *needle)
{
    struct got g = {0};
    struct hr_err e;
    e.msg[0] = '\0';
    int rc = parquet_read(b, n, "x.parquet", NULL, collect, &g, &e);
    got_free(&g);
    if (rc != -1 || !strstr(e.msg, needle))
        fail_msg("rc %d, message '%s', expected '%s'", rc, e.msg, needle);
    assert_int_equal(strncmp(e.msg, "x.parquet: ", 11), 0);
}

static void test_corrupt_and_incomplete_files(void **state)
{
    (void)state;
    uint8_t b[4096];
    size_t n = tiny_file(b, sizeof b, "foo", NULL);
    seed_save("fuzz_parquet", "tiny_foo", b, n);
    expect_error(b, n, "missing column: needs a time base");
    n = tiny_file(b, sizeof b, NULL, "time");
    expect_error(b, n, "needs a `heart_rate` or `speed`");
    n = tiny_file(b, sizeof b, "step_s", "heart_rate");
    seed_save("fuzz_parquet", "tiny_step_hr", b, n);
    struct got g = {0};
    struct hr_err e;
    assert_int_equal(parquet_read(b, n, "x.parquet", NULL, collect, &g, &e), 0); /* no rows, no error */
    assert_int_equal(g.n, 0);

    /* a real file, then broken in several ways */
    make_series();
    char *dir = make_temp_dir();
    char path[512];
    snprintf(path, sizeof path, "%s/c.parquet", dir);
    assert_int_equal(parquet_write_series(path, SP, 3, NULL, &e), 0);
    uint8_t *f;
    size_t len;
    assert_int_equal(read_file_all(path, &f, &len, 1 << 24, &e), 0);
    expect_error(f, len - 1, "truncated Parquet file");
    expect_error(f, 6, "truncated Parquet file");
    expect_error(f + 1, len - 1, "not a Parquet file");
    uint8_t *m = malloc(len);
    memcpy(m, f, len);
    m[len - 8] = 0xff, m[len - 7] = 0xff; /* footer length beyond the file */
    expect_error(m, len, "footer length");
    memcpy(m, f, len);
    uint32_t flen = (uint32_t)f[len - 8] | (uint32_t)f[len - 7] << 8;
    memset(m + len - 8 - flen, 0xff, 16); /* garbage at the start of the footer */
    expect_error(m, len, "corrupt footer");
    /* a footer cut short: shorten the length field so the Thrift struct ends early */
    memcpy(m, f, len);
    uint32_t shorter = flen / 2;
    memmove(m + len - 8 - shorter, m + len - 8 - flen, shorter);
    m[len - 8] = (uint8_t)shorter, m[len - 7] = (uint8_t)(shorter >> 8), m[len - 6] = 0, m[len - 5] = 0;
    expect_error(m, len, "corrupt footer");
    /* damage inside the first data page: an error or valid rows, never a crash */
    for (size_t k = 4; k < 200 && k < len; k += 7) {
        memcpy(m, f, len);
        m[k] ^= 0x5a;
        struct got g2 = {0};
        (void)parquet_read(m, len, "x.parquet", NULL, collect, &g2, &e);
        got_free(&g2);
    }
    free(m);
    free(f);
    remove_temp_dir(dir);
    free(dir);
    free_series();
}

static void test_dataset_card(void **state)
{
    (void)state;
    const struct pq_card_split splits[] = {
        {"train", "data/train.parquet", 700, 350000, 123456, 40},
        {"validation", "data/validation.parquet", 150, 70000, 0, 10},
        {"test", "data/test.parquet", 150, 80000, 0, 10},
    };
    const char *rules[] = {"HR outside 40..220 bpm masked", "workouts shorter than 10 min dropped"};
    const struct pq_card_count rej[] = {{"too_short", 12}, {"mask:hr_gap", 441}, {"no_hr", 3}};
    struct pq_card c = {0};
    c.step_s = 10;
    c.splits = splits;
    c.n_splits = 3;
    c.rules = rules;
    c.n_rules = 2;
    c.rejects = rej;
    c.n_rejects = 3;
    c.split_desc = "athlete-disjoint 70/15/15, seed 1";
    char *s;
    size_t n;
    struct hr_err e;
    assert_int_equal(parquet_card_render(&c, &s, &n, &e), 0);
    assert_int_equal(strlen(s), n);
    assert_int_equal(strncmp(s, "---\n", 4), 0);
    assert_non_null(strstr(s, "# license: fill in"));
    assert_non_null(strstr(s, "  - split: validation\n    path: \"data/validation.parquet\"\n"));
    assert_non_null(strstr(s, "  - name: heart_rate\n    sequence: float32\n"));
    assert_non_null(strstr(s, "  - name: test\n    num_examples: 150\n"));
    assert_non_null(strstr(s, "size_categories:\n- 1K<n<10K\n"));
    assert_non_null(strstr(s, "| rule | workouts |\n|---|---:|\n| too_short | 12 |\n| no_hr | 3 |\n"));
    /* masked samples are not workouts: a table of their own (they were listed as workouts) */
    assert_non_null(strstr(s, "| rule | samples |\n|---|---:|\n| hr_gap | 441 |\n"));
    assert_null(strstr(s, "mask:"));
    /* the card lists exactly the columns the writer writes, in its order (device and hr_sensor were
     * missing, so a loader that casts to the declared features would refuse the files) */
    const char *at = strstr(s, "dataset_info:\n  features:\n"), *prev = at;
    assert_non_null(at);
    int cols = 0;
    for (const char *name; (name = parquet_series_column(cols)) != NULL; cols++) {
        char want[64];
        snprintf(want, sizeof want, "  - name: %s\n", name);
        const char *hit = strstr(at, want);
        assert_non_null(hit);
        assert_true(hit > prev || cols == 0);
        prev = hit;
        snprintf(want, sizeof want, "| `%s` |", name);
        assert_non_null(strstr(s, want));
    }
    assert_int_equal(cols, 16);
    int listed = 0;
    for (const char *q = at; (q = strstr(q, "  - name: ")) != NULL && q < strstr(at, "  splits:\n"); q++)
        listed++;
    assert_int_equal(listed, cols);
    assert_non_null(strstr(s, "1000 workouts, 500000 time steps"));
    assert_non_null(strstr(s, "load_dataset(\"parquet\""));
    assert_non_null(strstr(s, "pd.read_parquet(\"data/train.parquet\")"));
    /* the YAML header closes before the body */
    assert_non_null(strstr(s + 4, "\n---\n"));
    free(s);
    c.license = "cc-by-4.0";
    assert_int_equal(parquet_card_render(&c, &s, &n, &e), 0);
    assert_int_equal(strncmp(s, "---\nlicense: cc-by-4.0\n", 23), 0);
    free(s);
}

int main(void)
{
    hr_log_set_level(HR_LOG_QUIET);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thrift_compact_round_trip),
        cmocka_unit_test(test_rle_hybrid_decoding),
        cmocka_unit_test(test_series_round_trip_every_codec),
        cmocka_unit_test(test_hyparquet_reads_our_files),
        cmocka_unit_test(test_reads_hyparquet_writer_fitrec_layout),
        cmocka_unit_test(test_corrupt_and_incomplete_files),
        cmocka_unit_test(test_dataset_card),
    };
    return cmocka_run_group_tests_name("parquet", tests, NULL, NULL);
}
