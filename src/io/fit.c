/* fit.c — fit reader (placeholder until the reader lands). */
#include "io/reader.h"

int fit_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
             workout_sink sink, void *ctx, struct hr_err *e)
{
    (void)buf; (void)n; (void)o; (void)sink; (void)ctx;
    return hr_fail_at(e, name, 0, "fit reader not built yet");
}
