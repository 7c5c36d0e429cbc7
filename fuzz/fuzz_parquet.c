/* fuzz_parquet.c — libFuzzer target for the Parquet reader (footer Thrift, pages, levels, codecs). */
#include <stddef.h>
#include <stdint.h>
#include "fuzz_limits.h"
#include "io/parquet/parquet.h"
#include "util/log.h"

static int count_sink(void *ctx, struct workout *w)
{
    size_t *n = ctx;
    *n += w->n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    if (!quiet) {
        hr_log_set_level(HR_LOG_QUIET);
        quiet = 1;
    }
    struct hr_err e;
    size_t n = 0;
    struct read_opts o;
    fuzz_read_opts(&o);
    (void)parquet_read(data, size, "fuzz.parquet", &o, count_sink, &n, &e);
    return 0;
}
