/* progress.h — a progress bar with ETA on stderr, drawn only when stderr is a terminal. */
#ifndef HRCAST_UTIL_PROGRESS_H
#define HRCAST_UTIL_PROGRESS_H
#include <stdint.h>

struct progress {
    const char *label;
    double total;
    double start_time;
    double last_draw;
    int enabled;
};

void progress_begin(struct progress *p, const char *label, double total);
/* done: units completed so far; extra: short text shown after the bar (may be NULL). */
void progress_update(struct progress *p, double done, const char *extra);
void progress_end(struct progress *p);
double hr_now_seconds(void); /* monotonic clock */

#endif
