/* draw.h — the display list: a figure recorded as resolution-independent drawing operations
 * (pixel coordinates, y down) that render identically to a raster canvas (PNG, GIF frames) or to
 * SVG. The plotting layer writes only here, so the two outputs can never drift apart. */
#ifndef HRCAST_REPORT_DRAW_H
#define HRCAST_REPORT_DRAW_H
#include <stddef.h>
#include "report/canvas.h"
#include "report/font.h"
#include "util/err.h"

enum dl_kind { DL_RECT, DL_POLYLINE, DL_POLYGON, DL_CIRCLE, DL_TEXT, DL_CLIP };

struct dl_item {
    enum dl_kind kind;
    struct rgba color;
    float x, y, w, h;   /* rect / clip box; circle: (x, y) centre, w radius; text: (x, y) anchor */
    float width;        /* stroke width */
    float dash[2];      /* {on, off}, zeros = solid */
    size_t pts, npts;   /* polyline/polygon: offset and count of points in drawing.pts */
    size_t text;        /* text: offset in drawing.text */
    float size;         /* text: em size in px */
    unsigned char anchor, rot90, bold, noclip; /* text flags; clip: noclip=1 lifts the clip */
};

struct drawing {
    int w, h;
    struct rgba bg;
    struct dl_item *items;
    size_t n, cap;
    float *pts;
    size_t npts, ptscap;
    char *text;
    size_t tlen, tcap;
    int oom; /* sticky: an append failed; rendering reports it */
};

void dl_init(struct drawing *d, int w, int h, struct rgba bg);
void dl_free(struct drawing *d);
/* Drop all items, keep size and buffers (for animation frames). */
void dl_reset(struct drawing *d);
void dl_rect(struct drawing *d, float x, float y, float w, float h, struct rgba fill);
/* xy: n interleaved points, all finite. dash NULL = solid. */
void dl_polyline(struct drawing *d, const float *xy, size_t n, float width, const float *dash,
                 struct rgba col);
void dl_polygon(struct drawing *d, const float *xy, size_t n, struct rgba fill);
void dl_circle(struct drawing *d, float cx, float cy, float r, struct rgba fill);
void dl_text(struct drawing *d, const char *s, float x, float y, float size, enum text_anchor anchor,
             int rot90, int bold, struct rgba col);
/* Clip the following items to a rectangle; dl_noclip lifts it. */
void dl_clip(struct drawing *d, float x, float y, float w, float h);
void dl_noclip(struct drawing *d);

/* Raster the list onto a canvas of the same size (cleared to bg first). */
int dl_render(const struct drawing *d, const struct fonts *fs, struct canvas *c, struct hr_err *e);
/* Write PNG (via libspng) or SVG, chosen by the extension of path (.png / .svg); atomic. */
int dl_save(const struct drawing *d, const struct fonts *fs, const char *path, struct hr_err *e);

#endif
