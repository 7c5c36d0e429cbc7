/* samples.h — the built-in sample workouts offered by GET /api/samples (steady, intervals,
 * progressive, hilly): simple speed/altitude profiles generated in C at start, 10 s apart.
 * The simulator of branch `physio` may replace these later. */
#ifndef HRCAST_SERVE_SAMPLES_H
#define HRCAST_SERVE_SAMPLES_H
#include "serve/sbuf.h"

#define SAMPLE_STEP 10.0f

struct sample {
    const char *id, *title, *description;
    int n;
    float *speed; /* m/s */
    float *alt;   /* m */
};

/* Generate the four samples (deterministic). Returns the count (4), or -1 out of memory. */
int samples_build(struct sample **out);
void samples_free(struct sample *s, int count);
/* [{"id":..,"title":..,"description":..,"step":10,"speed":[..],"altitude":[..]}, ...] */
void samples_json(const struct sample *s, int count, struct sbuf *b);

#endif
