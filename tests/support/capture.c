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
    if (workout_copy(d, w))
        return 1;
    return c->stop_after && c->n >= c->stop_after;
}

void capture_free(struct capture *c)
{
    for (size_t i = 0; i < c->n; i++)
        workout_free(&c->w[i]);
    free(c->w);
    memset(c, 0, sizeof *c);
}
