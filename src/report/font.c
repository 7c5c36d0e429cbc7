/* font.c — stb_truetype glue: the one translation unit holding STB_TRUETYPE_IMPLEMENTATION,
 * font search and loading, UTF-8 text measuring and drawing (see font.h). */
#include "report/font.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/fileio.h"

/* stb_truetype is third-party code that does not pass our warning set; silence it here only. */
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wunused-function"
#pragma clang diagnostic ignored "-Wsign-compare"
#pragma clang diagnostic ignored "-Wunused-parameter"
#pragma clang diagnostic ignored "-Wimplicit-fallthrough"
#pragma clang diagnostic ignored "-Wcast-qual"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wcast-qual"
#endif
#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#include <stb/stb_truetype.h>
#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

static const char *const regular_paths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
};
static const char *const bold_paths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans-Bold.ttf",
    "/usr/local/share/fonts/DejaVuSans-Bold.ttf",
    "/Library/Fonts/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/liberation-sans/LiberationSans-Bold.ttf",
};

static int load_path(struct font *f, const char *path, struct hr_err *e)
{
    uint8_t *buf;
    size_t n;
    if (read_file_all(path, &buf, &n, 64u << 20, e))
        return -1;
    stbtt_fontinfo *info = calloc(1, sizeof *info);
    if (!info) {
        free(buf);
        return hr_fail(e, "%s: out of memory", path);
    }
    int off = stbtt_GetFontOffsetForIndex(buf, 0);
    if (off < 0 || !stbtt_InitFont(info, buf, off)) {
        free(buf);
        free(info);
        return hr_fail(e, "%s: not a TrueType font", path);
    }
    f->info = info;
    f->data = buf;
    int asc, desc, gap;
    stbtt_GetFontVMetrics(info, &asc, &desc, &gap);
    f->ascent = asc;
    f->descent = -desc;
    f->units_per_em = 1.0f / stbtt_ScaleForMappingEmToPixels(info, 1.0f);
    snprintf(f->path, sizeof f->path, "%s", path);
    return 0;
}

int font_load(struct font *f, const char *path, int bold, struct hr_err *e)
{
    memset(f, 0, sizeof *f);
    if (path)
        return load_path(f, path, e);
    const char *env = getenv("HRCAST_FONT");
    if (env && *env && !bold)
        return load_path(f, env, e);
    const char *const *list = bold ? bold_paths : regular_paths;
    size_t nlist = bold ? sizeof bold_paths / sizeof *bold_paths : sizeof regular_paths / sizeof *regular_paths;
    for (size_t i = 0; i < nlist; i++) {
        FILE *t = fopen(list[i], "rb");
        if (!t)
            continue;
        fclose(t);
        return load_path(f, list[i], e);
    }
    return hr_fail(e, "font: no %s TrueType font found (tried $HRCAST_FONT, %s, %s, ...): "
                      "install fonts-dejavu-core or set HRCAST_FONT=/path/to/font.ttf",
                   bold ? "bold" : "regular", list[0], list[1]);
}

void font_free(struct font *f)
{
    free(f->info);
    free(f->data);
    memset(f, 0, sizeof *f);
}

int fonts_load(struct fonts *fs, struct hr_err *e)
{
    memset(fs, 0, sizeof *fs);
    if (font_load(&fs->regular, NULL, 0, e))
        return -1;
    struct hr_err ignored;
    if (font_load(&fs->bold, NULL, 1, &ignored) &&
        font_load(&fs->bold, fs->regular.path, 0, e)) {
        font_free(&fs->regular);
        return -1;
    }
    return 0;
}

void fonts_free(struct fonts *fs)
{
    font_free(&fs->regular);
    font_free(&fs->bold);
}

unsigned utf8_next(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    unsigned c = p[0];
    int extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (extra < 0) {
        *s += 1;
        return 0xFFFD;
    }
    c = extra ? c & (0x3Fu >> extra) : c;
    for (int i = 1; i <= extra; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *s += i;
            return 0xFFFD;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *s += 1 + extra;
    return c;
}

float font_ascent(const struct font *f, float px)
{
    return (float)f->ascent * px / f->units_per_em;
}

float font_descent(const struct font *f, float px)
{
    return (float)f->descent * px / f->units_per_em;
}

float font_text_width(const struct font *f, const char *s, float px)
{
    const stbtt_fontinfo *info = f->info;
    float scale = px / f->units_per_em, w = 0;
    unsigned prev = 0;
    while (*s) {
        unsigned cp = utf8_next(&s);
        int adv, lsb;
        stbtt_GetCodepointHMetrics(info, (int)cp, &adv, &lsb);
        if (prev)
            w += scale * (float)stbtt_GetCodepointKernAdvance(info, (int)prev, (int)cp);
        w += scale * (float)adv;
        prev = cp;
    }
    return w;
}

int font_draw(const struct font *f, struct canvas *c, const char *s, float x, float y, float px,
              enum text_anchor anchor, int rot90, struct rgba col, struct hr_err *e)
{
    const stbtt_fontinfo *info = f->info;
    float scale = px / f->units_per_em;
    float width = font_text_width(f, s, px);
    float start = anchor == ANCHOR_MIDDLE ? width * 0.5f : anchor == ANCHOR_END ? width : 0.0f;
    /* Render the whole string into one horizontal mask, then blend it (turned if asked). */
    int asc = (int)ceilf(font_ascent(f, px)) + 2, desc = (int)ceilf(font_descent(f, px)) + 2;
    int mw = (int)ceilf(width) + 4, mh = asc + desc;
    uint8_t *mask = calloc((size_t)mw * mh, 1);
    if (!mask)
        return hr_fail(e, "font: out of memory");
    /* Keep the baseline on a whole pixel and the pen's sub-pixel phase of the origin. */
    /* Text-direction coordinate of the pen: canvas x, or minus canvas y for turned text. */
    float pen0 = rot90 ? -(y + start) : x - start;
    float frac = pen0 - floorf(pen0), pen = frac + 1.0f;
    unsigned prev = 0;
    const char *p = s;
    while (*p) {
        unsigned cp = utf8_next(&p);
        if (prev)
            pen += scale * (float)stbtt_GetCodepointKernAdvance(info, (int)prev, (int)cp);
        int adv, lsb, x0, y0, x1, y1;
        stbtt_GetCodepointHMetrics(info, (int)cp, &adv, &lsb);
        float sx = pen - floorf(pen);
        stbtt_GetCodepointBitmapBoxSubpixel(info, (int)cp, scale, scale, sx, 0, &x0, &y0, &x1, &y1);
        int gx = (int)floorf(pen) + x0, gy = asc + y0, gw = x1 - x0, gh = y1 - y0;
        if (gw > 0 && gh > 0 && gx >= 0 && gy >= 0 && gx + gw <= mw && gy + gh <= mh) {
            uint8_t *g = malloc((size_t)gw * gh);
            if (!g) {
                free(mask);
                return hr_fail(e, "font: out of memory");
            }
            stbtt_MakeCodepointBitmapSubpixel(info, g, gw, gh, gw, scale, scale, sx, 0, (int)cp);
            for (int v = 0; v < gh; v++)
                for (int u = 0; u < gw; u++) {
                    uint8_t *m = &mask[(size_t)(gy + v) * mw + gx + u];
                    int sum = *m + g[(size_t)v * gw + u];
                    *m = (uint8_t)(sum > 255 ? 255 : sum);
                }
            free(g);
        }
        pen += scale * (float)adv;
        prev = cp;
    }
    int base = (int)lroundf(rot90 ? x : y);
    if (!rot90) {
        canvas_blend_mask(c, (int)floorf(pen0) - 1, base - asc, mask, mw, mh, 0, col);
    } else {
        /* Mask column u lands at canvas y = -(floor(pen0) - 1 + u); row v at x = base - asc + v. */
        canvas_blend_mask(c, base - asc, 1 - (int)floorf(pen0), mask, mw, mh, 1, col);
    }
    free(mask);
    return 0;
}
