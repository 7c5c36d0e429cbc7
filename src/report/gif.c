/* gif.c — palette building, colour lookup, frame deltas and giflib encoding (see gif.h). */
#include "report/gif.h"
#include <gif_lib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/fileio.h"

#define GIF_TRANSPARENT 255

struct gif_writer {
    GifFileType *gif;
    int w, h, nframes;
    uint8_t *prev, *cur; /* palette indices of the last written frame and of the current one */
    uint8_t lut[32 * 32 * 32];
    GifColorType pal[256];
    uint8_t *out;
    size_t len, cap;
    int oom;
    char path[1024];
};

static int write_mem(GifFileType *gif, const GifByteType *buf, int n)
{
    struct gif_writer *g = gif->UserData;
    if (g->len + (size_t)n > g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 1 << 16;
        while (nc < g->len + (size_t)n)
            nc *= 2;
        uint8_t *p = realloc(g->out, nc);
        if (!p) {
            g->oom = 1;
            return 0;
        }
        g->out = p;
        g->cap = nc;
    }
    memcpy(g->out + g->len, buf, (size_t)n);
    g->len += (size_t)n;
    return n;
}

static void build_palette(struct gif_writer *g, const struct rgba *colors, int ncolors)
{
    int k = 0;
    /* 32 greys (text anti-aliasing, grid, frame) */
    for (int i = 0; i < 32; i++) {
        uint8_t v = (uint8_t)(i * 255 / 31);
        g->pal[k].Red = g->pal[k].Green = g->pal[k].Blue = v;
        k++;
    }
    if (ncolors > 7) ncolors = 7;
    /* ramps white -> colour (anti-aliased edges and translucent bands over white), 28 steps each */
    for (int c = 0; c < ncolors; c++)
        for (int i = 1; i <= 28; i++) {
            float t = (float)i / 28.0f;
            g->pal[k].Red = (uint8_t)(255 + (colors[c].r - 255) * t + 0.5f);
            g->pal[k].Green = (uint8_t)(255 + (colors[c].g - 255) * t + 0.5f);
            g->pal[k].Blue = (uint8_t)(255 + (colors[c].b - 255) * t + 0.5f);
            k++;
        }
    /* a colour cube for everything else, as fine as the remaining slots allow */
    int levels = 2;
    while ((levels + 1) * (levels + 1) * (levels + 1) <= 255 - k)
        levels++;
    for (int r = 0; r < levels; r++)
        for (int gg = 0; gg < levels; gg++)
            for (int b = 0; b < levels; b++) {
                if (k >= 255) break;
                g->pal[k].Red = (uint8_t)(r * 255 / (levels - 1));
                g->pal[k].Green = (uint8_t)(gg * 255 / (levels - 1));
                g->pal[k].Blue = (uint8_t)(b * 255 / (levels - 1));
                k++;
            }
    for (; k < 256; k++)
        g->pal[k].Red = g->pal[k].Green = g->pal[k].Blue = 255;
    /* nearest palette entry (excluding the transparent slot) for every 5-bit colour */
    for (int r = 0; r < 32; r++)
        for (int gg = 0; gg < 32; gg++)
            for (int b = 0; b < 32; b++) {
                int cr = r * 255 / 31, cg = gg * 255 / 31, cb = b * 255 / 31, best = 0;
                long bd = -1;
                for (int i = 0; i < GIF_TRANSPARENT; i++) {
                    long dr = cr - g->pal[i].Red, dg = cg - g->pal[i].Green, db = cb - g->pal[i].Blue;
                    long d = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
                    if (bd < 0 || d < bd) {
                        bd = d;
                        best = i;
                    }
                }
                g->lut[(r << 10) | (gg << 5) | b] = (uint8_t)best;
            }
}

int gif_open(struct gif_writer **out, const char *path, int w, int h, const struct rgba *colors, int ncolors,
             int loop, struct hr_err *e)
{
    *out = NULL;
    if (w < 1 || h < 1 || w > 65535 || h > 65535)
        return hr_fail(e, "%s: bad GIF size %dx%d", path, w, h);
    struct gif_writer *g = calloc(1, sizeof *g);
    if (!g)
        return hr_fail(e, "%s: out of memory", path);
    g->w = w;
    g->h = h;
    snprintf(g->path, sizeof g->path, "%s", path);
    g->prev = malloc((size_t)w * h);
    g->cur = malloc((size_t)w * h);
    if (!g->prev || !g->cur) {
        gif_abort(g);
        return hr_fail(e, "%s: out of memory", path);
    }
    build_palette(g, colors, ncolors);
    int err = 0;
    g->gif = EGifOpen(g, write_mem, &err);
    if (!g->gif) {
        gif_abort(g);
        return hr_fail(e, "%s: giflib: %s", path, GifErrorString(err));
    }
    ColorMapObject *cmap = GifMakeMapObject(256, g->pal);
    if (!cmap) {
        gif_abort(g);
        return hr_fail(e, "%s: out of memory", path);
    }
    EGifSetGifVersion(g->gif, true);
    int rc = EGifPutScreenDesc(g->gif, w, h, 8, 0, cmap);
    GifFreeMapObject(cmap);
    if (rc == GIF_OK && loop) {
        unsigned char ext[3] = {1, 0, 0};
        rc = EGifPutExtensionLeader(g->gif, APPLICATION_EXT_FUNC_CODE);
        if (rc == GIF_OK) rc = EGifPutExtensionBlock(g->gif, 11, "NETSCAPE2.0");
        if (rc == GIF_OK) rc = EGifPutExtensionBlock(g->gif, 3, ext);
        if (rc == GIF_OK) rc = EGifPutExtensionTrailer(g->gif);
    }
    if (rc != GIF_OK) {
        int ge = g->gif->Error;
        gif_abort(g);
        return hr_fail(e, "%s: giflib: %s", path, GifErrorString(ge));
    }
    *out = g;
    return 0;
}

int gif_add_frame(struct gif_writer *g, const struct canvas *c, int delay_cs, struct hr_err *e)
{
    if (c->w != g->w || c->h != g->h)
        return hr_fail(e, "%s: frame %dx%d differs from %dx%d", g->path, c->w, c->h, g->w, g->h);
    size_t n = (size_t)g->w * g->h;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = c->px + i * 4;
        g->cur[i] = g->lut[((p[0] >> 3) << 10) | ((p[1] >> 3) << 5) | (p[2] >> 3)];
    }
    /* The changed rectangle (whole frame for the first one). */
    int x0 = 0, y0 = 0, x1 = g->w, y1 = g->h;
    if (g->nframes > 0) {
        x0 = g->w; y0 = g->h; x1 = 0; y1 = 0;
        for (int y = 0; y < g->h; y++) {
            const uint8_t *a = g->cur + (size_t)y * g->w, *b = g->prev + (size_t)y * g->w;
            if (!memcmp(a, b, (size_t)g->w))
                continue;
            if (y < y0) y0 = y;
            y1 = y + 1;
            for (int x = 0; x < g->w; x++)
                if (a[x] != b[x]) {
                    if (x < x0) x0 = x;
                    if (x + 1 > x1) x1 = x + 1;
                }
        }
        if (x1 <= x0) { /* nothing changed: store one transparent pixel to carry the delay */
            x0 = y0 = 0;
            x1 = y1 = 1;
        }
    }
    GraphicsControlBlock gcb = {DISPOSE_DO_NOT, false, delay_cs, g->nframes > 0 ? GIF_TRANSPARENT : NO_TRANSPARENT_COLOR};
    GifByteType ext[4];
    EGifGCBToExtension(&gcb, ext);
    int rc = EGifPutExtension(g->gif, GRAPHICS_EXT_FUNC_CODE, 4, ext);
    if (rc == GIF_OK)
        rc = EGifPutImageDesc(g->gif, x0, y0, x1 - x0, y1 - y0, false, NULL);
    GifPixelType *line = malloc((size_t)(x1 - x0));
    if (!line)
        return hr_fail(e, "%s: out of memory", g->path);
    for (int y = y0; y < y1 && rc == GIF_OK; y++) {
        const uint8_t *a = g->cur + (size_t)y * g->w, *b = g->prev + (size_t)y * g->w;
        for (int x = x0; x < x1; x++)
            line[x - x0] = (g->nframes > 0 && a[x] == b[x]) ? GIF_TRANSPARENT : a[x];
        rc = EGifPutLine(g->gif, line, x1 - x0);
    }
    free(line);
    if (rc != GIF_OK || g->oom)
        return hr_fail(e, "%s: giflib: %s", g->path, g->oom ? "out of memory" : GifErrorString(g->gif->Error));
    uint8_t *t = g->prev;
    g->prev = g->cur;
    g->cur = t;
    g->nframes++;
    return 0;
}

void gif_abort(struct gif_writer *g)
{
    if (!g)
        return;
    if (g->gif) {
        int err;
        EGifCloseFile(g->gif, &err);
    }
    free(g->prev);
    free(g->cur);
    free(g->out);
    free(g);
}

int gif_close(struct gif_writer *g, struct hr_err *e)
{
    int err = 0;
    int rc = EGifCloseFile(g->gif, &err);
    g->gif = NULL;
    if (rc != GIF_OK || g->oom) {
        hr_fail(e, "%s: giflib: %s", g->path, g->oom ? "out of memory" : GifErrorString(err));
        gif_abort(g);
        return -1;
    }
    rc = g->nframes ? write_file_atomic(g->path, g->out, g->len, e) : hr_fail(e, "%s: no frames", g->path);
    gif_abort(g);
    return rc;
}
