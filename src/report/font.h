/* font.h — TrueType text for the report pictures, via stb_truetype: loading DejaVu Sans (regular
 * and bold, with a fallback search), measuring UTF-8 strings and drawing them onto a canvas,
 * horizontally or turned a quarter anticlockwise (for y-axis labels). Sizes are em sizes in pixels,
 * the same meaning as SVG font-size, so PNG and SVG layouts agree. */
#ifndef HRCAST_REPORT_FONT_H
#define HRCAST_REPORT_FONT_H
#include "report/canvas.h"
#include "util/err.h"

struct font {
    void *info;          /* stbtt_fontinfo */
    unsigned char *data; /* the .ttf bytes */
    int ascent, descent; /* font units */
    float units_per_em;
    char path[512];
};

/* The fonts a figure uses. bold falls back to regular when no bold face is found. */
struct fonts {
    struct font regular, bold;
};

/* Load a TrueType file; path NULL searches $HRCAST_FONT, then DejaVu Sans (or its bold) in the usual
 * Debian/Fedora/macOS places, then Liberation Sans. Fails with the list of places tried. */
int font_load(struct font *f, const char *path, int bold, struct hr_err *e);
void font_free(struct font *f);
/* Load regular (required) and bold (optional, falls back to a copy of regular's path). */
int fonts_load(struct fonts *fs, struct hr_err *e);
void fonts_free(struct fonts *fs);

/* Advance width of a UTF-8 string at em size px (kerning included). */
float font_text_width(const struct font *f, const char *s, float px);
/* Ascent (positive, above baseline) and descent (positive, below) at em size px. */
float font_ascent(const struct font *f, float px);
float font_descent(const struct font *f, float px);

enum text_anchor { ANCHOR_START = 0, ANCHOR_MIDDLE = 1, ANCHOR_END = 2 };
/* Draw s with its baseline through (x, y); anchor says which end of the text x refers to.
 * rot90: the text reads bottom to top and (x, y) is then a point on its (vertical) baseline. */
int font_draw(const struct font *f, struct canvas *c, const char *s, float x, float y, float px,
              enum text_anchor anchor, int rot90, struct rgba col, struct hr_err *e);

/* Decode one UTF-8 code point from *s and advance; invalid bytes decode as U+FFFD. */
unsigned utf8_next(const char **s);

#endif
