/* capture.h — a workout_sink for tests that keeps deep copies of every workout a reader emits. */
#ifndef HRCAST_TESTS_CAPTURE_H
#define HRCAST_TESTS_CAPTURE_H
#include "io/workout.h"

struct capture {
    struct workout *w;
    size_t n, cap;
    size_t stop_after; /* 0 = never ask the reader to stop */
};

int capture_sink(void *ctx, struct workout *w);
void capture_free(struct capture *c);

#endif
