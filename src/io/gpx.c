/* gpx.c — gpx reader (placeholder until the reader lands). */
#include "io/reader.h"

int gpx_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
             workout_sink sink, void *ctx, struct hr_err *e)
{
    (void)buf; (void)n; (void)o; (void)sink; (void)ctx;
    return hr_fail_at(e, name, 0, "gpx reader not built yet");
}
