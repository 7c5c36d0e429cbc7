/* tcx.c — tcx reader (placeholder until the reader lands). */
#include "io/reader.h"

int tcx_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
             workout_sink sink, void *ctx, struct hr_err *e)
{
    (void)buf; (void)n; (void)o; (void)sink; (void)ctx;
    return hr_fail_at(e, name, 0, "tcx reader not built yet");
}
