/* anim_frame.h — what the GIF animations share (anim.c: a workout revealed; anim_forecast.c: a live
 * forecast evolving): a session holding the fonts, the canvas, the drawing list and the GIF writer, into
 * which each frame's figure is drawn and appended. */
#ifndef HRCAST_REPORT_ANIM_FRAME_H
#define HRCAST_REPORT_ANIM_FRAME_H
#include "report/gif.h"
#include "report/plot.h"

struct anim_session {
    struct fonts fs;
    struct canvas c;
    struct drawing d;
    struct gif_writer *g;
    int have_fonts, have_canvas;
};

/* Fonts, a w x h white canvas and the GIF at path (looping; keys: its colour ramps). 0, or -1 with e
 * filled and nothing held. */
int anim_begin(struct anim_session *s, const char *path, int w, int h, const struct rgba *keys, int nkeys,
               struct hr_err *e);
/* Draws f (freed here in every case) and appends it as a frame shown delay_cs hundredths of a second. */
int anim_frame(struct anim_session *s, struct plot_fig *f, int delay_cs, struct hr_err *e);
/* ok: write the file (0, or -1 with e); else discard it (returns -1). Frees the session either way. */
int anim_end(struct anim_session *s, int ok, struct hr_err *e);

#endif
