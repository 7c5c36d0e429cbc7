/* fuzz_archive.c — libFuzzer target for bulk-export archives (src/io/archive.c over libarchive): any bytes
 * read as a .zip/.tar(.gz) with its members through the readers must give 0 or -1, never a crash, leak or
 * undefined behaviour, and never inflate past the (small) limits set here. Seeds: tests/test_archive.sh. */
#include <stddef.h>
#include <stdint.h>
#include "io/archive.h"
#include "util/log.h"

static int sink(void *ctx, struct workout *w)
{
    volatile double acc = 0;
    for (size_t i = 0; i < w->n; i++)
        acc += w->time[i] + w->hr[i] + w->speed[i] + w->alt[i];
    (void)ctx;
    return 0;
}

static void failed(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

static int want(void *ctx, const struct archive_member *m)
{
    (void)ctx;
    return m->sport[0] != 'c'; /* exercise the skip path too */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_log_set_level(HR_LOG_QUIET);
    struct read_opts o;
    read_opts_default(&o);
    o.lim.max_inflate = 4 << 20;
    o.lim.max_samples = 100000;
    struct archive_limits lim;
    archive_limits_default(&lim);
    lim.max_member_bytes = 4 << 20;
    lim.max_total_bytes = 16 << 20;
    lim.max_members = 10000;
    struct archive_hooks h = {want, failed, NULL};
    struct archive_stats st;
    struct hr_err e;
    io_read_archive_buffer(data, size, "fuzz.zip", &o, &lim, &h, sink, NULL, &st, &e);
    return 0;
}
