/* samples.h — the built-in sample workouts offered by GET /api/samples (steady, intervals,
 * progressive, hilly): one simulated runner's recordings (src/sim), generated at start and cleaned
 * onto a 10 s grid, with the runner's recorded HR so the page shows predicted against actual. */
#ifndef HRCAST_SERVE_SAMPLES_H
#define HRCAST_SERVE_SAMPLES_H
#include "serve/sbuf.h"

#define SAMPLE_STEP 10.0f

struct sample {
    const char *id;
    char title[64], description[160];
    int n;
    float *speed; /* m/s */
    float *alt;   /* m */
    float *hr;    /* bpm, NaN where the simulated sensor dropped out */
};

/* Generate the four samples (deterministic). Returns the count (4), or -1 out of memory. */
int samples_build(struct sample **out);
void samples_free(struct sample *s, int count);
/* [{"id":..,"title":..,"description":..,"step":10,"speed":[..],"altitude":[..],"heart_rate":[..]}, ...] */
void samples_json(const struct sample *s, int count, struct sbuf *b);

#endif
