/* svg.c — display list to SVG text: one element per item, clip rectangles as <clipPath> groups,
 * text with the DejaVu Sans family (the metrics the layout was measured with). Numbers are printed
 * with two decimals, so output is deterministic. */
#include "report/svg.h"
#include <stdio.h>
#include "util/fileio.h"

static void put_color(FILE *f, const char *attr, struct rgba c)
{
    fprintf(f, " %s=\"#%02x%02x%02x\"", attr, c.r, c.g, c.b);
    if (c.a != 255)
        fprintf(f, " %s-opacity=\"%.3f\"", attr, c.a / 255.0);
}

static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                fputc(*s, f);
        }
    }
}

static void put_points(FILE *f, const float *xy, size_t n)
{
    fputs(" points=\"", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%.2f,%.2f", i ? " " : "", xy[2 * i], xy[2 * i + 1]);
    fputc('"', f);
}

int svg_write(const struct drawing *d, const char *path, struct hr_err *e)
{
    if (d->oom)
        return hr_fail(e, "%s: drawing ran out of memory while recording", path);
    struct atomic_file a;
    if (atomic_open(&a, path, e))
        return -1;
    FILE *f = a.f;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Verdana, Arial, sans-serif\">\n",
            d->w, d->h, d->w, d->h);
    fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"", d->w, d->h);
    put_color(f, "fill", d->bg);
    fputs("/>\n", f);
    int in_clip = 0, nclip = 0;
    for (size_t i = 0; i < d->n; i++) {
        const struct dl_item *it = &d->items[i];
        switch (it->kind) {
        case DL_RECT:
            fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"", it->x, it->y, it->w, it->h);
            put_color(f, "fill", it->color);
            fputs("/>\n", f);
            break;
        case DL_POLYLINE:
            fputs("<polyline", f);
            put_points(f, d->pts + it->pts * 2, it->npts);
            fputs(" fill=\"none\"", f);
            put_color(f, "stroke", it->color);
            fprintf(f, " stroke-width=\"%.2f\" stroke-linejoin=\"round\" stroke-linecap=\"round\"", it->width);
            if (it->dash[0] > 0)
                fprintf(f, " stroke-dasharray=\"%.2f %.2f\"", it->dash[0], it->dash[1]);
            fputs("/>\n", f);
            break;
        case DL_POLYGON:
            fputs("<polygon", f);
            put_points(f, d->pts + it->pts * 2, it->npts);
            put_color(f, "fill", it->color);
            fputs("/>\n", f);
            break;
        case DL_CIRCLE:
            fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\"", it->x, it->y, it->w);
            put_color(f, "fill", it->color);
            fputs("/>\n", f);
            break;
        case DL_TEXT: {
            static const char *const anchors[] = {"start", "middle", "end"};
            fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.2f\" text-anchor=\"%s\"", it->x, it->y,
                    it->size, anchors[it->anchor % 3]);
            if (it->bold)
                fputs(" font-weight=\"bold\"", f);
            if (it->rot90)
                fprintf(f, " transform=\"rotate(-90 %.2f %.2f)\"", it->x, it->y);
            put_color(f, "fill", it->color);
            fputc('>', f);
            put_escaped(f, d->text + it->text);
            fputs("</text>\n", f);
            break;
        }
        case DL_CLIP:
            if (in_clip)
                fputs("</g>\n", f);
            in_clip = 0;
            if (!it->noclip) {
                fprintf(f, "<clipPath id=\"c%d\"><rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/></clipPath>\n"
                           "<g clip-path=\"url(#c%d)\">\n",
                        nclip, it->x, it->y, it->w, it->h, nclip);
                nclip++;
                in_clip = 1;
            }
            break;
        }
    }
    if (in_clip)
        fputs("</g>\n", f);
    fputs("</svg>\n", f);
    return atomic_commit(&a, e);
}
