/* test_util.c — unit tests of src/util: errors, atomic writes, gzip reading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "util/err.h"
#include "util/fileio.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fail_at_formats_path_offset_reason),
        cmocka_unit_test(test_atomic_write_then_read_back_gzip),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
