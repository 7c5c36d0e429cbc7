/* fuzz_fit.c — libFuzzer target for the FIT reader (fit_read): any bytes must give 0 or -1 with a
 * message, never a crash, leak or unbounded allocation. Seeds come from tests/test_fit.c. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "fuzz_limits.h"
#include "io/reader.h"
#include "util/log.h"

static int sink(void *ctx, struct workout *w)
{
    size_t *count = ctx;
    *count += w->n;
    for (size_t i = 0; i < w->n; i++) /* touch every sample so ASan sees bad arrays */
        if (w->time[i] != w->time[i] && w->hr[i] == w->hr[i] && w->lat[i] == w->lat[i])
            (*count)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_log_set_level(HR_LOG_QUIET);
    struct read_opts o;
    fuzz_read_opts(&o);
    struct hr_err e;
    size_t count = 0;
    if (fit_read(data, size, "fuzz.fit", &o, sink, &count, &e) != 0 && strncmp(e.msg, "fuzz.fit: ", 10) != 0)
        __builtin_trap();
    return 0;
}
