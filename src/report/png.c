/* png.c — canvas to PNG via libspng (RGBA8, default zlib level), see png.h. */
#include "report/png.h"
#include <spng.h>
#include <stdlib.h>
#include "util/fileio.h"

int png_encode(const struct canvas *c, void **out, size_t *len, struct hr_err *e)
{
    spng_ctx *ctx = spng_ctx_new(SPNG_CTX_ENCODER);
    if (!ctx)
        return hr_fail(e, "png: out of memory");
    spng_set_option(ctx, SPNG_ENCODE_TO_BUFFER, 1);
    struct spng_ihdr ihdr = {0};
    ihdr.width = (uint32_t)c->w;
    ihdr.height = (uint32_t)c->h;
    ihdr.bit_depth = 8;
    ihdr.color_type = SPNG_COLOR_TYPE_TRUECOLOR_ALPHA;
    int rc = spng_set_ihdr(ctx, &ihdr);
    if (!rc)
        rc = spng_encode_image(ctx, c->px, (size_t)c->w * c->h * 4, SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE);
    if (rc) {
        spng_ctx_free(ctx);
        return hr_fail(e, "png: encode failed: %s", spng_strerror(rc));
    }
    int err = 0;
    *out = spng_get_png_buffer(ctx, len, &err);
    spng_ctx_free(ctx);
    if (!*out || err)
        return hr_fail(e, "png: no output buffer: %s", spng_strerror(err));
    return 0;
}

int png_write(const struct canvas *c, const char *path, struct hr_err *e)
{
    void *buf;
    size_t len;
    if (png_encode(c, &buf, &len, e))
        return -1;
    int rc = write_file_atomic(path, buf, len, e);
    free(buf);
    return rc;
}
