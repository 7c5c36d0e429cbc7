/* fitrec.c — FitRec / Endomondo reader (placeholder until the reader lands). */
#include "io/reader.h"

int fitrec_read_stream(io_read_fn read, void *src, const uint8_t *prefix, size_t prefix_len,
                       const char *name, const struct read_opts *o, workout_sink sink, void *ctx,
                       struct hr_err *e)
{
    (void)read; (void)src; (void)prefix; (void)prefix_len; (void)o; (void)sink; (void)ctx;
    return hr_fail_at(e, name, 0, "fitrec reader not built yet");
}

int fitrec_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                workout_sink sink, void *ctx, struct hr_err *e)
{
    (void)buf; (void)n; (void)o; (void)sink; (void)ctx;
    return hr_fail_at(e, name, 0, "fitrec reader not built yet");
}
