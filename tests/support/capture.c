/* capture.c — see capture.h. */
#include "capture.h"
#include <stdlib.h>
#include <string.h>

int capture_sink(void *ctx, struct workout *w)
{
    struct capture *c = ctx;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 8;
        struct workout *nw = realloc(c->w, nc * sizeof *nw);
        if (!nw)
            return 1;
        c->w = nw;
        c->cap = nc;
    }
    struct workout *d = &c->w[c->n++];
    workout_init(d);
    if (workout_reserve(d, w->n ? w->n : 1))
        return 1;
    d->n = w->n;
    memcpy(d->time, w->time, w->n * sizeof *d->time);
    memcpy(d->hr, w->hr, w->n * sizeof *d->hr);
    memcpy(d->speed, w->speed, w->n * sizeof *d->speed);
    memcpy(d->dist, w->dist, w->n * sizeof *d->dist);
    memcpy(d->lat, w->lat, w->n * sizeof *d->lat);
    memcpy(d->lon, w->lon, w->n * sizeof *d->lon);
    memcpy(d->alt, w->alt, w->n * sizeof *d->alt);
    d->start_time = w->start_time;
    memcpy(d->athlete, w->athlete, sizeof d->athlete);
    memcpy(d->sport, w->sport, sizeof d->sport);
    memcpy(d->device, w->device, sizeof d->device);
    memcpy(d->source, w->source, sizeof d->source);
    d->gender = w->gender;
    d->id = w->id;
    d->leg = w->leg;
    return c->stop_after && c->n >= c->stop_after;
}

void capture_free(struct capture *c)
{
    for (size_t i = 0; i < c->n; i++)
        workout_free(&c->w[i]);
    free(c->w);
    memset(c, 0, sizeof *c);
}
