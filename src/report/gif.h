/* gif.h — animated GIF writing with giflib: one fixed 256-entry palette (grey ramp, ramps from white
 * to each given colour, a coarse colour cube, one transparent slot), nearest-colour mapping through a
 * 32x32x32 lookup table, and frame deltas (only the changed rectangle is stored, unchanged pixels in
 * it become transparent) so that slowly revealed plots stay small. Written atomically at gif_close. */
#ifndef HRCAST_REPORT_GIF_H
#define HRCAST_REPORT_GIF_H
#include <stddef.h>
#include <stdint.h>
#include "report/canvas.h"
#include "util/err.h"

struct gif_writer;

/* Start a w x h animation. colors: the plot's key colours (up to 7) that get smooth ramps to white.
 * loop: 1 = repeat forever. */
int gif_open(struct gif_writer **g, const char *path, int w, int h, const struct rgba *colors, int ncolors,
             int loop, struct hr_err *e);
/* Append a frame (canvas of the animation's size) shown for delay_cs hundredths of a second. */
int gif_add_frame(struct gif_writer *g, const struct canvas *c, int delay_cs, struct hr_err *e);
/* Finish and write the file; frees g either way. */
int gif_close(struct gif_writer *g, struct hr_err *e);
/* Discard without writing. */
void gif_abort(struct gif_writer *g);

#endif
