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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fail_at_formats_path_offset_reason),
        cmocka_unit_test(test_atomic_write_then_read_back_gzip),
        cmocka_unit_test(test_atomic_write_ignores_planted_symlink),
        cmocka_unit_test(test_gunzip_limit_exact),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
