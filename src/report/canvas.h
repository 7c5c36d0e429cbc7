/* canvas.h — a raster RGBA canvas (8 bits per channel, straight alpha, row-major, y down) with
 * anti-aliased drawing: rectangles, polylines (round joins/caps, optional dashes), filled polygons
 * (non-zero winding, exact area coverage), discs and alpha masks (text). Every primitive respects
 * the clip rectangle. Pure pixels: knows nothing of plots, models or data. */
#ifndef HRCAST_REPORT_CANVAS_H
#define HRCAST_REPORT_CANVAS_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

struct rgba {
    uint8_t r, g, b, a;
};

static inline struct rgba rgba_make(uint8_t r, uint8_t g, uint8_t b, uint8_t a)
{
    struct rgba c = {r, g, b, a};
    return c;
}
/* 0xRRGGBB with alpha 0..255. */
static inline struct rgba rgba_hex(uint32_t hex, uint8_t a)
{
    return rgba_make((uint8_t)(hex >> 16), (uint8_t)(hex >> 8), (uint8_t)hex, a);
}

struct canvas {
    int w, h;
    uint8_t *px;  /* w*h*4 bytes RGBA */
    float *cov;   /* w*h coverage scratch for strokes and polygons */
    float *acc;   /* (w+2)*h signed-area accumulator for polygons */
    int cx0, cy0, cx1, cy1; /* clip rectangle, pixels [cx0,cx1) x [cy0,cy1) */
};

/* Allocate a w x h canvas filled with bg. Returns 0 or -1 (size limits, out of memory). */
int canvas_init(struct canvas *c, int w, int h, struct rgba bg, struct hr_err *e);
void canvas_free(struct canvas *c);
void canvas_clear(struct canvas *c, struct rgba bg);
/* Restrict drawing to the rectangle (clamped to the canvas); canvas_noclip restores the whole canvas. */
void canvas_clip(struct canvas *c, int x, int y, int w, int h);
void canvas_noclip(struct canvas *c);

/* Pixel pointer (no bounds check beyond an assert-free clamp-free access: callers stay inside). */
static inline uint8_t *canvas_at(const struct canvas *c, int x, int y)
{
    return c->px + ((size_t)y * (size_t)c->w + (size_t)x) * 4;
}

/* Fill the rectangle [x, x+w) x [y, y+h) with exact fractional-edge coverage. */
void canvas_fill_rect(struct canvas *c, float x, float y, float w, float h, struct rgba col);
/* Stroke a polyline of n points (xy interleaved). width in pixels; dash = {on, off} lengths or NULL.
 * Points must be finite (split NaN gaps before calling). Overlaps blend once (no double alpha). */
void canvas_polyline(struct canvas *c, const float *xy, int n, float width, const float *dash,
                     struct rgba col);
/* Fill a closed polygon of n points (non-zero winding). */
void canvas_fill_polygon(struct canvas *c, const float *xy, int n, struct rgba col);
/* Filled disc. */
void canvas_fill_circle(struct canvas *c, float cx, float cy, float r, struct rgba col);
/* Blend col through an 8-bit alpha mask of mw x mh pixels placed with its top-left at (x, y).
 * rot90: the mask is turned a quarter anticlockwise (mask row v, column u lands at (x+v, y-u)). */
void canvas_blend_mask(struct canvas *c, int x, int y, const uint8_t *mask, int mw, int mh, int rot90,
                       struct rgba col);
/* Blend one pixel with coverage a in [0,1] (clip checked). */
void canvas_blend(struct canvas *c, int x, int y, struct rgba col, float a);

#endif
