/* draw.c — display-list recording and its raster renderer (see draw.h). */
#include "report/draw.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "report/png.h"
#include "report/svg.h"

void dl_init(struct drawing *d, int w, int h, struct rgba bg)
{
    memset(d, 0, sizeof *d);
    d->w = w;
    d->h = h;
    d->bg = bg;
}

void dl_free(struct drawing *d)
{
    free(d->items);
    free(d->pts);
    free(d->text);
    memset(d, 0, sizeof *d);
}

void dl_reset(struct drawing *d)
{
    d->n = d->npts = d->tlen = 0;
    d->oom = 0;
}

static int grow(void **buf, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *p = realloc(*buf, nc * elem);
    if (!p)
        return -1;
    *buf = p;
    *cap = nc;
    return 0;
}

static struct dl_item *push(struct drawing *d, enum dl_kind kind, struct rgba col)
{
    if (d->oom || grow((void **)&d->items, &d->cap, d->n + 1, sizeof *d->items)) {
        d->oom = 1;
        return NULL;
    }
    struct dl_item *it = &d->items[d->n++];
    memset(it, 0, sizeof *it);
    it->kind = kind;
    it->color = col;
    return it;
}

static int push_pts(struct drawing *d, struct dl_item *it, const float *xy, size_t n)
{
    if (grow((void **)&d->pts, &d->ptscap, (d->npts + n) * 2, sizeof(float))) {
        d->oom = 1;
        d->n--;
        return -1;
    }
    memcpy(d->pts + d->npts * 2, xy, n * 2 * sizeof(float));
    it->pts = d->npts;
    it->npts = n;
    d->npts += n;
    return 0;
}

void dl_rect(struct drawing *d, float x, float y, float w, float h, struct rgba fill)
{
    struct dl_item *it = push(d, DL_RECT, fill);
    if (it) {
        it->x = x; it->y = y; it->w = w; it->h = h;
    }
}

void dl_polyline(struct drawing *d, const float *xy, size_t n, float width, const float *dash,
                 struct rgba col)
{
    if (!n)
        return;
    struct dl_item *it = push(d, DL_POLYLINE, col);
    if (!it)
        return;
    it->width = width;
    if (dash) {
        it->dash[0] = dash[0];
        it->dash[1] = dash[1];
    }
    push_pts(d, it, xy, n);
}

void dl_polygon(struct drawing *d, const float *xy, size_t n, struct rgba fill)
{
    if (n < 3)
        return;
    struct dl_item *it = push(d, DL_POLYGON, fill);
    if (it)
        push_pts(d, it, xy, n);
}

void dl_circle(struct drawing *d, float cx, float cy, float r, struct rgba fill)
{
    struct dl_item *it = push(d, DL_CIRCLE, fill);
    if (it) {
        it->x = cx; it->y = cy; it->w = r;
    }
}

void dl_text(struct drawing *d, const char *s, float x, float y, float size, enum text_anchor anchor,
             int rot90, int bold, struct rgba col)
{
    size_t len = strlen(s);
    if (!len)
        return;
    struct dl_item *it = push(d, DL_TEXT, col);
    if (!it)
        return;
    if (grow((void **)&d->text, &d->tcap, d->tlen + len + 1, 1)) {
        d->oom = 1;
        d->n--;
        return;
    }
    memcpy(d->text + d->tlen, s, len + 1);
    it->text = d->tlen;
    d->tlen += len + 1;
    it->x = x; it->y = y; it->size = size;
    it->anchor = (unsigned char)anchor;
    it->rot90 = (unsigned char)(rot90 != 0);
    it->bold = (unsigned char)(bold != 0);
}

void dl_clip(struct drawing *d, float x, float y, float w, float h)
{
    struct dl_item *it = push(d, DL_CLIP, rgba_make(0, 0, 0, 0));
    if (it) {
        it->x = x; it->y = y; it->w = w; it->h = h;
    }
}

void dl_noclip(struct drawing *d)
{
    struct dl_item *it = push(d, DL_CLIP, rgba_make(0, 0, 0, 0));
    if (it)
        it->noclip = 1;
}

int dl_render(const struct drawing *d, const struct fonts *fs, struct canvas *c, struct hr_err *e)
{
    if (d->oom)
        return hr_fail(e, "drawing: out of memory while recording");
    if (c->w != d->w || c->h != d->h)
        return hr_fail(e, "drawing: canvas %dx%d does not match drawing %dx%d", c->w, c->h, d->w, d->h);
    canvas_noclip(c);
    canvas_clear(c, d->bg);
    for (size_t i = 0; i < d->n; i++) {
        const struct dl_item *it = &d->items[i];
        switch (it->kind) {
        case DL_RECT:
            canvas_fill_rect(c, it->x, it->y, it->w, it->h, it->color);
            break;
        case DL_POLYLINE:
            canvas_polyline(c, d->pts + it->pts * 2, (int)it->npts, it->width,
                            it->dash[0] > 0 ? it->dash : NULL, it->color);
            break;
        case DL_POLYGON:
            canvas_fill_polygon(c, d->pts + it->pts * 2, (int)it->npts, it->color);
            break;
        case DL_CIRCLE:
            canvas_fill_circle(c, it->x, it->y, it->w, it->color);
            break;
        case DL_TEXT:
            if (font_draw(it->bold ? &fs->bold : &fs->regular, c, d->text + it->text, it->x, it->y,
                          it->size, (enum text_anchor)it->anchor, it->rot90, it->color, e))
                return -1;
            break;
        case DL_CLIP:
            if (it->noclip)
                canvas_noclip(c);
            else
                canvas_clip(c, (int)(it->x + 0.5f), (int)(it->y + 0.5f), (int)(it->w + 0.5f),
                            (int)(it->h + 0.5f));
            break;
        }
    }
    canvas_noclip(c);
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int dl_save(const struct drawing *d, const struct fonts *fs, const char *path, struct hr_err *e)
{
    if (ends_with(path, ".svg"))
        return svg_write(d, path, e);
    if (!ends_with(path, ".png"))
        return hr_fail(e, "%s: unknown picture type (use .png or .svg)", path);
    struct canvas c;
    if (canvas_init(&c, d->w, d->h, d->bg, e))
        return -1;
    int rc = dl_render(d, fs, &c, e);
    if (!rc)
        rc = png_write(&c, path, e);
    canvas_free(&c);
    return rc;
}
