/* canvas.c — the anti-aliased RGBA rasterizer behind canvas.h.
 * Strokes: distance-to-segment coverage accumulated with max() into a scratch buffer, then blended
 * once, so joins and overlaps of one polyline never double the alpha. Polygons: exact signed-area
 * accumulation per scanline (the technique of font-rs / stb_truetype's v2 rasterizer). */
#include "report/canvas.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CANVAS_MAX_SIDE 16384

int canvas_init(struct canvas *c, int w, int h, struct rgba bg, struct hr_err *e)
{
    memset(c, 0, sizeof *c);
    if (w <= 0 || h <= 0 || w > CANVAS_MAX_SIDE || h > CANVAS_MAX_SIDE)
        return hr_fail(e, "canvas: size %dx%d outside 1..%d", w, h, CANVAS_MAX_SIDE);
    c->w = w;
    c->h = h;
    c->px = malloc((size_t)w * h * 4);
    c->cov = calloc((size_t)w * h, sizeof(float));
    c->acc = calloc((size_t)(w + 2) * h, sizeof(float));
    if (!c->px || !c->cov || !c->acc) {
        canvas_free(c);
        return hr_fail(e, "canvas: out of memory for %dx%d", w, h);
    }
    canvas_noclip(c);
    canvas_clear(c, bg);
    return 0;
}

void canvas_free(struct canvas *c)
{
    free(c->px);
    free(c->cov);
    free(c->acc);
    memset(c, 0, sizeof *c);
}

void canvas_clear(struct canvas *c, struct rgba bg)
{
    size_t n = (size_t)c->w * c->h;
    for (size_t i = 0; i < n; i++) {
        c->px[i * 4 + 0] = bg.r;
        c->px[i * 4 + 1] = bg.g;
        c->px[i * 4 + 2] = bg.b;
        c->px[i * 4 + 3] = bg.a;
    }
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

void canvas_clip(struct canvas *c, int x, int y, int w, int h)
{
    c->cx0 = clampi(x, 0, c->w);
    c->cy0 = clampi(y, 0, c->h);
    c->cx1 = clampi(x + w, c->cx0, c->w);
    c->cy1 = clampi(y + h, c->cy0, c->h);
}

void canvas_noclip(struct canvas *c)
{
    c->cx0 = c->cy0 = 0;
    c->cx1 = c->w;
    c->cy1 = c->h;
}

static inline void blend_px(uint8_t *p, struct rgba col, float a)
{
    float sa = (float)col.a / 255.0f * a;
    if (sa <= 0.0f)
        return;
    if (sa > 1.0f)
        sa = 1.0f;
    float da = (float)p[3] / 255.0f;
    float oa = sa + da * (1.0f - sa);
    float k = da * (1.0f - sa);
    p[0] = (uint8_t)(((float)col.r * sa + (float)p[0] * k) / oa + 0.5f);
    p[1] = (uint8_t)(((float)col.g * sa + (float)p[1] * k) / oa + 0.5f);
    p[2] = (uint8_t)(((float)col.b * sa + (float)p[2] * k) / oa + 0.5f);
    p[3] = (uint8_t)(oa * 255.0f + 0.5f);
}

void canvas_blend(struct canvas *c, int x, int y, struct rgba col, float a)
{
    if (x < c->cx0 || x >= c->cx1 || y < c->cy0 || y >= c->cy1)
        return;
    blend_px(canvas_at(c, x, y), col, a);
}

void canvas_fill_rect(struct canvas *c, float x, float y, float w, float h, struct rgba col)
{
    if (!(w > 0 && h > 0))
        return;
    float x1 = x + w, y1 = y + h;
    int ix0 = clampi((int)floorf(x), c->cx0, c->cx1), ix1 = clampi((int)ceilf(x1), c->cx0, c->cx1);
    int iy0 = clampi((int)floorf(y), c->cy0, c->cy1), iy1 = clampi((int)ceilf(y1), c->cy0, c->cy1);
    for (int py = iy0; py < iy1; py++) {
        float cy = fminf((float)py + 1, y1) - fmaxf((float)py, y);
        if (cy <= 0)
            continue;
        for (int px = ix0; px < ix1; px++) {
            float cx = fminf((float)px + 1, x1) - fmaxf((float)px, x);
            if (cx > 0)
                blend_px(canvas_at(c, px, py), col, cx * cy);
        }
    }
}

/* Bounding box of coverage written to c->cov, flushed by cov_flush. */
struct bbox {
    int x0, y0, x1, y1;
};

static void stroke_segment(struct canvas *c, float ax, float ay, float bx, float by, float hw, float k,
                           struct bbox *bb)
{
    float r = hw + 1.0f;
    int y0 = clampi((int)floorf(fminf(ay, by) - r), c->cy0, c->cy1);
    int y1 = clampi((int)ceilf(fmaxf(ay, by) + r), c->cy0, c->cy1);
    float dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
    for (int y = y0; y < y1; y++) {
        float xl, xr;
        if (fabsf(dy) < 1e-6f) {
            xl = fminf(ax, bx) - r;
            xr = fmaxf(ax, bx) + r;
        } else {
            float t0 = ((float)y - r - ay) / dy, t1 = ((float)y + 1.0f + r - ay) / dy;
            t0 = fminf(fmaxf(t0, 0.0f), 1.0f);
            t1 = fminf(fmaxf(t1, 0.0f), 1.0f);
            float xa = ax + t0 * dx, xb = ax + t1 * dx;
            xl = fminf(xa, xb) - r;
            xr = fmaxf(xa, xb) + r;
        }
        int x0 = clampi((int)floorf(xl), c->cx0, c->cx1), x1 = clampi((int)ceilf(xr), c->cx0, c->cx1);
        if (x0 >= x1)
            continue;
        float py = (float)y + 0.5f;
        float *row = c->cov + (size_t)y * c->w;
        for (int x = x0; x < x1; x++) {
            float px = (float)x + 0.5f;
            float t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0.0f;
            t = fminf(fmaxf(t, 0.0f), 1.0f);
            float qx = ax + t * dx - px, qy = ay + t * dy - py;
            float d = sqrtf(qx * qx + qy * qy);
            float cv = hw + 0.5f - d;
            if (cv <= 0)
                continue;
            cv = fminf(cv, 1.0f) * k;
            if (cv > row[x])
                row[x] = cv;
        }
        if (x0 < bb->x0) bb->x0 = x0;
        if (x1 > bb->x1) bb->x1 = x1;
        if (y < bb->y0) bb->y0 = y;
        if (y + 1 > bb->y1) bb->y1 = y + 1;
    }
}

static void cov_flush(struct canvas *c, const struct bbox *bb, struct rgba col)
{
    for (int y = bb->y0; y < bb->y1; y++) {
        float *row = c->cov + (size_t)y * c->w;
        for (int x = bb->x0; x < bb->x1; x++) {
            if (row[x] > 0) {
                blend_px(canvas_at(c, x, y), col, row[x]);
                row[x] = 0;
            }
        }
    }
}

void canvas_polyline(struct canvas *c, const float *xy, int n, float width, const float *dash,
                     struct rgba col)
{
    if (n < 1 || !(width > 0))
        return;
    /* Lines thinner than a pixel are drawn one pixel wide with proportionally less coverage. */
    float hw = width < 1.0f ? 0.5f : width * 0.5f, k = width < 1.0f ? width : 1.0f;
    struct bbox bb = {c->w, c->h, 0, 0};
    if (n == 1) {
        stroke_segment(c, xy[0], xy[1], xy[0], xy[1], hw, k, &bb);
    } else if (!dash || !(dash[0] > 0) || !(dash[1] > 0)) {
        for (int i = 0; i + 1 < n; i++)
            stroke_segment(c, xy[2 * i], xy[2 * i + 1], xy[2 * i + 2], xy[2 * i + 3], hw, k, &bb);
    } else {
        float on = dash[0], off = dash[1], phase = 0; /* position inside the on+off period */
        for (int i = 0; i + 1 < n; i++) {
            float ax = xy[2 * i], ay = xy[2 * i + 1], bx = xy[2 * i + 2], by = xy[2 * i + 3];
            float len = hypotf(bx - ax, by - ay), u = 0;
            if (len <= 0)
                continue;
            while (u < len) {
                float step;
                if (phase < on) {
                    step = fminf(on - phase, len - u);
                    float t0 = u / len, t1 = (u + step) / len;
                    stroke_segment(c, ax + t0 * (bx - ax), ay + t0 * (by - ay), ax + t1 * (bx - ax),
                                   ay + t1 * (by - ay), hw, k, &bb);
                } else {
                    step = fminf(on + off - phase, len - u);
                }
                u += step;
                phase += step;
                if (phase >= on + off)
                    phase -= on + off;
            }
        }
    }
    cov_flush(c, &bb, col);
}

/* Signed-area accumulation of one polygon edge into c->acc (coordinates already finite). */
static void acc_edge(struct canvas *c, float x0p, float y0p, float x1p, float y1p)
{
    if (y0p == y1p)
        return;
    float dir = 1.0f;
    if (y0p > y1p) {
        float t = x0p; x0p = x1p; x1p = t;
        t = y0p; y0p = y1p; y1p = t;
        dir = -1.0f;
    }
    float dxdy = (x1p - x0p) / (y1p - y0p);
    int ys = clampi((int)floorf(y0p), c->cy0, c->cy1), ye = clampi((int)ceilf(y1p), c->cy0, c->cy1);
    float lim0 = (float)c->cx0, lim1 = (float)c->cx1;
    size_t stride = (size_t)c->w + 2;
    for (int y = ys; y < ye; y++) {
        float yt = fmaxf((float)y, y0p), yb = fminf((float)y + 1.0f, y1p);
        float dy = yb - yt;
        if (dy <= 0)
            continue;
        float xa = fminf(fmaxf(x0p + (yt - y0p) * dxdy, lim0), lim1);
        float xb = fminf(fmaxf(x0p + (yb - y0p) * dxdy, lim0), lim1);
        float d = dy * dir;
        float *row = c->acc + (size_t)y * stride;
        float lo = fminf(xa, xb), hi = fmaxf(xa, xb);
        int loi = (int)floorf(lo), hii = (int)ceilf(hi);
        if (hii <= loi + 1) {
            float xm = 0.5f * (xa + xb) - (float)loi;
            row[loi] += d * (1.0f - xm);
            row[loi + 1] += d * xm;
        } else {
            float s = 1.0f / (hi - lo);
            float lof = lo - (float)loi;
            float a0 = 0.5f * s * (1.0f - lof) * (1.0f - lof);
            float hif = hi - (float)hii + 1.0f;
            float am = 0.5f * s * hif * hif;
            row[loi] += d * a0;
            if (hii == loi + 2) {
                row[loi + 1] += d * (1.0f - a0 - am);
            } else {
                float a1 = s * (1.5f - lof);
                row[loi + 1] += d * (a1 - a0);
                for (int xi = loi + 2; xi < hii - 1; xi++)
                    row[xi] += d * s;
                float a2 = a1 + (float)(hii - loi - 3) * s;
                row[hii - 1] += d * (1.0f - a2 - am);
            }
            row[hii] += d * am;
        }
    }
}

void canvas_fill_polygon(struct canvas *c, const float *xy, int n, struct rgba col)
{
    if (n < 3)
        return;
    float minx = xy[0], maxx = xy[0], miny = xy[1], maxy = xy[1];
    for (int i = 0; i < n; i++) {
        float x0 = xy[2 * i], y0 = xy[2 * i + 1];
        int j = (i + 1) % n;
        acc_edge(c, x0, y0, xy[2 * j], xy[2 * j + 1]);
        minx = fminf(minx, x0); maxx = fmaxf(maxx, x0);
        miny = fminf(miny, y0); maxy = fmaxf(maxy, y0);
    }
    int x0 = clampi((int)floorf(minx), c->cx0, c->cx1), x1 = clampi((int)ceilf(maxx) + 2, c->cx0, c->cx1 + 2);
    int y0 = clampi((int)floorf(miny), c->cy0, c->cy1), y1 = clampi((int)ceilf(maxy), c->cy0, c->cy1);
    size_t stride = (size_t)c->w + 2;
    for (int y = y0; y < y1; y++) {
        float *row = c->acc + (size_t)y * stride, sum = 0;
        for (int x = x0; x < x1; x++) {
            sum += row[x];
            row[x] = 0;
            float cv = fminf(fabsf(sum), 1.0f);
            if (cv > 1.0f / 512.0f && x < c->cx1)
                blend_px(canvas_at(c, x, y), col, cv);
        }
    }
}

void canvas_fill_circle(struct canvas *c, float cx, float cy, float r, struct rgba col)
{
    if (!(r > 0))
        return;
    int x0 = clampi((int)floorf(cx - r - 1), c->cx0, c->cx1), x1 = clampi((int)ceilf(cx + r + 1), c->cx0, c->cx1);
    int y0 = clampi((int)floorf(cy - r - 1), c->cy0, c->cy1), y1 = clampi((int)ceilf(cy + r + 1), c->cy0, c->cy1);
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            float d = hypotf((float)x + 0.5f - cx, (float)y + 0.5f - cy);
            float cv = fminf(r + 0.5f - d, 1.0f);
            if (cv > 0)
                blend_px(canvas_at(c, x, y), col, cv);
        }
}

void canvas_blend_mask(struct canvas *c, int x, int y, const uint8_t *mask, int mw, int mh, int rot90,
                       struct rgba col)
{
    for (int v = 0; v < mh; v++)
        for (int u = 0; u < mw; u++) {
            uint8_t m = mask[(size_t)v * mw + u];
            if (!m)
                continue;
            int px = rot90 ? x + v : x + u, py = rot90 ? y - u : y + v;
            if (px < c->cx0 || px >= c->cx1 || py < c->cy0 || py >= c->cy1)
                continue;
            blend_px(canvas_at(c, px, py), col, (float)m / 255.0f);
        }
}
