/* fuzz_csv.c — libFuzzer target for the csv reader: any bytes must give 0 or -1, never a crash,
 * leak or undefined behaviour. Seeds come from tests/test_csv.c (seed_save). */
#include <stddef.h>
#include <stdint.h>
#include "fuzz_limits.h"
#include "io/reader.h"
#include "util/log.h"

static int sink(void *ctx, struct workout *w)
{
    volatile double acc = 0;
    for (size_t i = 0; i < w->n; i++)
        acc += w->time[i] + w->hr[i] + w->speed[i] + w->alt[i] + w->lat[i] + w->lon[i] + w->dist[i];
    (void)ctx;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_log_set_level(HR_LOG_QUIET);
    struct read_opts o;
    fuzz_read_opts(&o);
    struct hr_err e;
    csv_read(data, size, "fuzz", &o, sink, NULL, &e);
    return 0;
}
