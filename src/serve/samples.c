/* samples.c — the built-in sample workouts (see samples.h): one simulated runner's recordings from the
 * workout simulator (src/sim), with its sensor faults, cleaned by prep like any upload. */
#include "serve/samples.h"
#include "prep/prep.h"
#include "sim/sim.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_SEED 20240611ull

int samples_build(struct sample **out)
{
    static const struct {
        const char *id, *name, *what;
        enum sim_kind kind;
    } spec[] = {
        {"steady", "Steady", "steady run", SIM_STEADY},
        {"intervals", "Intervals", "interval session", SIM_INTERVALS},
        {"progressive", "Progressive", "progressive run, steadily faster", SIM_PROGRESSIVE},
        {"hilly", "Hilly", "hill session", SIM_HILLS},
    };
    int count = (int)(sizeof spec / sizeof spec[0]);
    struct sample *s = calloc((size_t)count, sizeof *s);
    if (!s)
        return -1;
    struct sim_athlete a;
    sim_athlete_params(&a, 0, SAMPLE_SEED);
    struct prep_opts po;
    prep_opts_default(&po);
    po.step = SAMPLE_STEP;
    struct workout w;
    workout_init(&w);
    for (int k = 0; k < count; k++) {
        struct series sr;
        if (sim_workout(&a, k, spec[k].kind, SAMPLE_SEED, &w) || prep_workout(&w, &po, &sr, NULL, NULL, NULL) != 0) {
            workout_free(&w);
            samples_free(s, count);
            return -1;
        }
        int n = sr.n;
        s[k].id = spec[k].id;
        snprintf(s[k].title, sizeof s[k].title, "%s %d min", spec[k].name, (int)lround(n * SAMPLE_STEP / 60.0));
        snprintf(s[k].description, sizeof s[k].description,
                 "a simulated runner's %s, %.1f km, with the recorded HR (sensor faults included)", spec[k].what,
                 S_DIST(&sr)[n - 1] / 1000.0);
        s[k].n = n;
        s[k].speed = malloc((size_t)n * sizeof(float));
        s[k].alt = malloc((size_t)n * sizeof(float));
        s[k].hr = malloc((size_t)n * sizeof(float));
        if (!s[k].speed || !s[k].alt || !s[k].hr) {
            series_free(&sr);
            workout_free(&w);
            samples_free(s, count);
            return -1;
        }
        memcpy(s[k].speed, S_SPEED(&sr), (size_t)n * sizeof(float));
        memcpy(s[k].alt, S_ALT(&sr), (size_t)n * sizeof(float));
        memcpy(s[k].hr, S_HR(&sr), (size_t)n * sizeof(float));
        series_free(&sr);
    }
    workout_free(&w);
    *out = s;
    return count;
}

void samples_free(struct sample *s, int count)
{
    if (!s)
        return;
    for (int k = 0; k < count; k++) {
        free(s[k].speed);
        free(s[k].alt);
        free(s[k].hr);
    }
    free(s);
}

void samples_json(const struct sample *s, int count, struct sbuf *b)
{
    sbuf_puts(b, "[");
    for (int k = 0; k < count; k++) {
        sbuf_puts(b, k ? ",\n{\"id\":" : "{\"id\":");
        sb_json_str(b, s[k].id);
        sbuf_puts(b, ",\"title\":");
        sb_json_str(b, s[k].title);
        sbuf_puts(b, ",\"description\":");
        sb_json_str(b, s[k].description);
        sbuf_printf(b, ",\"step\":%g,\"speed\":", (double)SAMPLE_STEP);
        sb_json_floats(b, s[k].speed, s[k].n, 3);
        sbuf_puts(b, ",\"altitude\":");
        sb_json_floats(b, s[k].alt, s[k].n, 1);
        sbuf_puts(b, ",\"heart_rate\":");
        sb_json_floats(b, s[k].hr, s[k].n, 1);
        sbuf_puts(b, "}");
    }
    sbuf_puts(b, "]\n");
}
