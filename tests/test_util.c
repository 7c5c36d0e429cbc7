/* test_util.c — unit tests of src/util: errors, atomic writes, gzip reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "util/err.h"
#include "util/fileio.h"
#include "util/utf8.h"

static mode_t current_umask_for_test(void)
{
    mode_t m = umask(022); /* single-threaded test: read it by setting and restoring */
    umask(m);
    return m;
}

static void test_fail_at_formats_path_offset_reason(void **state)
{
    (void)state;
    struct hr_err e;
    assert_int_equal(hr_fail_at(&e, "a.fit", 42, "bad %s", "crc"), -1);
    assert_string_equal(e.msg, "a.fit: 42: bad crc");
}

static void test_atomic_write_then_read_back_gzip(void **state)
{
    (void)state;
    char dir[] = "/tmp/hrcast-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], gz[256];
    snprintf(path, sizeof path, "%s/plain.txt", dir);
    snprintf(gz, sizeof gz, "%s/packed.txt.gz", dir);
    struct hr_err e;
    assert_int_equal(write_file_atomic(path, "hello", 5, &e), 0);
    gzFile g = gzopen(gz, "wb");
    gzwrite(g, "hello", 5);
    gzclose(g);
    uint8_t *buf;
    size_t n;
    assert_int_equal(read_file_all(path, &buf, &n, 1 << 20, &e), 0);
    assert_int_equal(n, 5);
    assert_memory_equal(buf, "hello", 5);
    free(buf);
    assert_int_equal(read_file_all(gz, &buf, &n, 1 << 20, &e), 0);
    assert_int_equal(n, 5);
    assert_memory_equal(buf, "hello", 5);
    free(buf);
    assert_int_equal(read_file_all(gz, &buf, &n, 3, &e), -1);
    assert_non_null(strstr(e.msg, "limit"));
    unlink(path);
    unlink(gz);
    rmdir(dir);
}

/* The temp file used to be "<path>.tmp.<pid>" opened with fopen: a symlink planted there was
 * followed and its target overwritten. Now the name is unpredictable and created exclusively. */
static void test_atomic_write_ignores_planted_symlink(void **state)
{
    (void)state;
    char dir[] = "/tmp/hrcast-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], victim[256], planted[300];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    snprintf(victim, sizeof victim, "%s/victim", dir);
    snprintf(planted, sizeof planted, "%s.tmp.%ld", path, (long)getpid());
    struct hr_err e;
    assert_int_equal(write_file_atomic(victim, "precious", 8, &e), 0);
    assert_int_equal(symlink(victim, planted), 0);
    assert_int_equal(write_file_atomic(path, "new data", 8, &e), 0);
    uint8_t *buf;
    size_t n;
    assert_int_equal(read_file_all(victim, &buf, &n, 1 << 20, &e), 0);
    assert_int_equal(n, 8);
    assert_memory_equal(buf, "precious", 8); /* the symlink's target is untouched */
    free(buf);
    assert_int_equal(read_file_all(path, &buf, &n, 1 << 20, &e), 0);
    assert_memory_equal(buf, "new data", 8);
    free(buf);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0666 & ~current_umask_for_test()); /* fopen's mode, not 0600 */
    /* a log (written as it goes): never through a symlink; append keeps what is there */
    assert_null(open_log_file(planted, 0));
    assert_null(open_log_file(planted, 1));
    char log[300];
    snprintf(log, sizeof log, "%s/train.log", dir);
    FILE *lf = open_log_file(log, 0);
    assert_non_null(lf);
    fputs("one\n", lf);
    fclose(lf);
    lf = open_log_file(log, 1);
    fputs("two\n", lf);
    fclose(lf);
    assert_int_equal(read_file_all(log, &buf, &n, 1 << 20, &e), 0);
    assert_memory_equal(buf, "one\ntwo\n", 8);
    free(buf);
    unlink(log);
    /* an aborted write leaves nothing behind */
    struct atomic_file a;
    assert_int_equal(atomic_open(&a, path, &e), 0);
    fputs("partial", a.f);
    atomic_abort(&a);
    assert_int_equal(access(a.tmp, F_OK), -1);
    /* a folder that does not exist: one clear error */
    char missing[300];
    snprintf(missing, sizeof missing, "%s/no/such/out.csv", dir);
    assert_int_equal(write_file_atomic(missing, "x", 1, &e), -1);
    assert_non_null(strstr(e.msg, "cannot create"));
    unlink(planted);
    unlink(victim);
    unlink(path);
    rmdir(dir);
}

/* gzip inflation stops at the limit (a buffer never grows past it): exactly the limit is read,
 * one byte more is refused with the limit named. */
static void test_gunzip_limit_exact(void **state)
{
    (void)state;
    size_t raw_n = (size_t)3 << 20;
    uint8_t *raw = calloc(1, raw_n);
    uLongf zn = compressBound(raw_n) + 64;
    uint8_t *z = malloc(zn);
    z_stream zs = {0};
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = raw;
    zs.avail_in = (uInt)raw_n;
    zs.next_out = z;
    zs.avail_out = (uInt)zn;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    size_t gz_n = zs.total_out;
    deflateEnd(&zs);
    uint8_t *out;
    size_t n;
    struct hr_err e;
    assert_int_equal(gunzip_buffer(z, gz_n, &out, &n, raw_n, &e), 0);
    assert_int_equal(n, raw_n);
    free(out);
    assert_int_equal(gunzip_buffer(z, gz_n, &out, &n, raw_n - 1, &e), -1);
    assert_non_null(strstr(e.msg, "limit (--max-inflate)"));
    assert_null(out);
    assert_int_equal(gunzip_buffer(z, gz_n - 4, &out, &n, raw_n + 10, &e), -1); /* truncated */
    assert_non_null(strstr(e.msg, "corrupt or truncated"));
    free(z);
    free(raw);
}

/* One gzip member of raw (n bytes) appended to z at *zn (z has room: compressBound + 64). */
static void gz_append(uint8_t *z, size_t *zn, const void *raw, size_t n)
{
    z_stream zs = {0};
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (Bytef *)raw;
    zs.avail_in = (uInt)n;
    zs.next_out = z + *zn;
    zs.avail_out = (uInt)(compressBound(n) + 64);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *zn += zs.total_out;
    deflateEnd(&zs);
}

/* A multi-member gzip (gzip a >f; gzip b >>f) inflates to every member, as gzread and gzip -d read it;
 * the limit counts all members together; zero padding after the end is ignored (gzip -d does), other
 * trailing bytes are refused with their offset. */
static void test_gunzip_multi_member(void **state)
{
    (void)state;
    const char *a = "time,speed\n0,3\n1,3.1\n", *b = "2,3.2\n3,3.3\n";
    size_t an = strlen(a), bn = strlen(b);
    uint8_t z[1024];
    size_t zn = 0, one;
    gz_append(z, &zn, a, an);
    one = zn;
    gz_append(z, &zn, "", 0); /* an empty member in the middle */
    gz_append(z, &zn, b, bn);
    uint8_t *out;
    size_t n;
    struct hr_err e;
    assert_int_equal(gunzip_buffer(z, zn, &out, &n, 1 << 20, &e), 0);
    assert_int_equal(n, an + bn);
    assert_memory_equal(out, a, an);
    assert_memory_equal(out + an, b, bn);
    assert_int_equal(out[n], 0);
    free(out);
    /* the limit counts every member: exactly the total passes, one byte less is refused */
    assert_int_equal(gunzip_buffer(z, zn, &out, &n, an + bn, &e), 0);
    free(out);
    assert_int_equal(gunzip_buffer(z, zn, &out, &n, an + bn - 1, &e), -1);
    assert_non_null(strstr(e.msg, "limit (--max-inflate)"));
    assert_null(out);
    /* ... also when the first member alone fills it exactly */
    assert_int_equal(gunzip_buffer(z, zn, &out, &n, an, &e), -1);
    assert_non_null(strstr(e.msg, "limit (--max-inflate)"));
    /* zero padding (a tape's block) after the last member: ignored */
    uint8_t zp[1100];
    memcpy(zp, z, zn);
    memset(zp + zn, 0, 512);
    assert_int_equal(gunzip_buffer(zp, zn + 512, &out, &n, 1 << 20, &e), 0);
    assert_int_equal(n, an + bn);
    free(out);
    /* trailing bytes that are not a gzip member: refused, naming where they start */
    memcpy(zp + zn, "junk", 4);
    assert_int_equal(gunzip_buffer(zp, zn + 4, &out, &n, 1 << 20, &e), -1);
    char want[96];
    snprintf(want, sizeof want, "gzip: %zu: 4 trailing bytes after the gzip data are not a gzip member", zn);
    assert_string_equal(e.msg, want);
    assert_null(out);
    zp[zn] = 0; /* zeros then junk: not padding */
    assert_int_equal(gunzip_buffer(zp, zn + 4, &out, &n, 1 << 20, &e), -1);
    assert_non_null(strstr(e.msg, "not a gzip member"));
    zp[zn] = 0x1f; /* one byte of a gzip magic */
    assert_int_equal(gunzip_buffer(zp, zn + 1, &out, &n, 1 << 20, &e), -1);
    assert_non_null(strstr(e.msg, "not a gzip member"));
    /* a second member cut short: truncated, not silently dropped */
    assert_int_equal(gunzip_buffer(z, zn - 4, &out, &n, 1 << 20, &e), -1);
    assert_non_null(strstr(e.msg, "corrupt or truncated"));
    assert_int_equal(gunzip_buffer(z, one + 12, &out, &n, 1 << 20, &e), -1); /* header of the 2nd only */
    assert_non_null(strstr(e.msg, "corrupt or truncated"));
    /* a bomb split over members: refused at the limit, however the members share it */
    size_t big = (size_t)1 << 20;
    uint8_t *zeros = calloc(1, big), *zb = malloc(4 * (compressBound(big) + 64));
    size_t zbn = 0;
    for (int k = 0; k < 4; k++)
        gz_append(zb, &zbn, zeros, big);
    assert_int_equal(gunzip_buffer(zb, zbn, &out, &n, 4 * big, &e), 0);
    assert_int_equal(n, 4 * big);
    free(out);
    assert_int_equal(gunzip_buffer(zb, zbn, &out, &n, 3 * big + 100, &e), -1);
    assert_non_null(strstr(e.msg, "limit (--max-inflate)"));
    free(zb);
    free(zeros);
}

/* A .gz file is read as an upload is (gunzip_buffer's rules, its errors named by the file's path): before
 * 2026-12-07 gzread took trailing junk silently and a cut stream as the shorter data, so a half-copied
 * file.gpx.gz was reported as a bad GPX ("unclosed token"), not as a cut gzip file. */
static void test_read_file_all_gzip_rules(void **state)
{
    (void)state;
    char dir[] = "/tmp/hrcast-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/run.csv.gz", dir);
    const char *a = "time,speed\n0,3\n", *b = "1,3.1\n";
    uint8_t z[1024];
    size_t zn = 0, one;
    gz_append(z, &zn, a, strlen(a));
    one = zn;
    gz_append(z, &zn, b, strlen(b));
    struct hr_err e;
    uint8_t *buf;
    size_t n;
    /* two members and a zero padding: both members read */
    memset(z + zn, 0, 8);
    assert_int_equal(write_file_atomic(path, z, zn + 8, &e), 0);
    assert_int_equal(read_file_all(path, &buf, &n, 1 << 20, &e), 0);
    assert_int_equal(n, strlen(a) + strlen(b));
    assert_memory_equal(buf, "time,speed\n0,3\n1,3.1\n", n);
    free(buf);
    /* junk after the data: refused with the path and the offset */
    memcpy(z + zn, "junk", 4);
    assert_int_equal(write_file_atomic(path, z, zn + 4, &e), 0);
    assert_int_equal(read_file_all(path, &buf, &n, 1 << 20, &e), -1);
    char want[400];
    snprintf(want, sizeof want, "%s: %zu: 4 trailing bytes after the gzip data are not a gzip member", path, zn);
    assert_string_equal(e.msg, want);
    /* cut inside the second member, or inside the first: refused as truncated */
    assert_int_equal(write_file_atomic(path, z, zn - 3, &e), 0);
    assert_int_equal(read_file_all(path, &buf, &n, 1 << 20, &e), -1);
    assert_non_null(strstr(e.msg, "corrupt or truncated gzip data"));
    assert_int_equal(strncmp(e.msg, path, strlen(path)), 0);
    assert_int_equal(write_file_atomic(path, z, one - 5, &e), 0);
    assert_int_equal(read_file_all(path, &buf, &n, 1 << 20, &e), -1);
    assert_non_null(strstr(e.msg, "corrupt or truncated gzip data"));
    /* the inflated limit holds for a file as for an upload, named by the path */
    assert_int_equal(write_file_atomic(path, z, zn, &e), 0);
    assert_int_equal(read_file_all(path, &buf, &n, strlen(a), &e), -1);
    snprintf(want, sizeof want, "%s: inflated data exceeds the %zu-byte limit (--max-inflate)", path, strlen(a));
    assert_string_equal(e.msg, want);
    /* a plain file over the limit: refused; exactly at it: read */
    assert_int_equal(write_file_atomic(path, "abcdef", 6, &e), 0);
    assert_int_equal(read_file_all(path, &buf, &n, 6, &e), 0);
    assert_int_equal(n, 6);
    free(buf);
    assert_int_equal(read_file_all(path, &buf, &n, 5, &e), -1);
    assert_non_null(strstr(e.msg, "larger than the 5-byte limit"));
    /* an empty file and a one-byte file (shorter than the gzip magic) are plain data */
    assert_int_equal(write_file_atomic(path, "", 0, &e), 0);
    assert_int_equal(read_file_all(path, &buf, &n, 16, &e), 0);
    assert_int_equal(n, 0);
    free(buf);
    assert_int_equal(write_file_atomic(path, "\x1f", 1, &e), 0);
    assert_int_equal(read_file_all(path, &buf, &n, 16, &e), 0);
    assert_int_equal(n, 1);
    free(buf);
    unlink(path);
    rmdir(dir);
}

/* Cuts fall between UTF-8 characters: "ü" is 2 bytes, "€" 3, "🏃" 4. */
static void test_utf8_cut_on_character_boundary(void **state)
{
    (void)state;
    char out[6];
    assert_int_equal(utf8_copy(out, sizeof out, "abcd\xc3\xbc"), 1); /* 4 + 2 > 5 */
    assert_string_equal(out, "abcd");
    assert_int_equal(utf8_copy(out, sizeof out, "a\xe2\x82\xac\xc3\xbc"), 1); /* 1 + 3 + 2 > 5 */
    assert_string_equal(out, "a\xe2\x82\xac");
    assert_int_equal(utf8_copy(out, sizeof out, "a\xe2\x82\xac!"), 0);
    assert_int_equal(utf8_copy(out, sizeof out, "ab\xf0\x9f\x8f\x83"), 1);
    assert_string_equal(out, "ab");
    assert_int_equal(utf8_copy(out, sizeof out, "abcde"), 0);
    assert_int_equal(utf8_cut_back("ab\xe2\x82", 4, (char)0xac), 2);
    assert_int_equal(utf8_cut_back("abcd", 4, 'e'), 4);
    const char euro[] = "\xe2\x82\xac", stray[] = "\x82x";
    assert_int_equal(utf8_char_len(euro, euro + 3), 3);
    assert_int_equal(utf8_char_len(stray, stray + 2), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_cut_on_character_boundary),
        cmocka_unit_test(test_fail_at_formats_path_offset_reason),
        cmocka_unit_test(test_atomic_write_then_read_back_gzip),
        cmocka_unit_test(test_atomic_write_ignores_planted_symlink),
        cmocka_unit_test(test_gunzip_limit_exact),
        cmocka_unit_test(test_gunzip_multi_member),
        cmocka_unit_test(test_read_file_all_gzip_rules),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
