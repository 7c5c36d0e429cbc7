/* runs.h — "give me the series in this file": a dataset (.hrd) or any importable workout file,
 * cleaned and resampled onto a model's grid step. Used by predict, plot, animate and plan. HR is
 * optional here (a planned run has none); the sport filter is off (the user chose the file). */
#ifndef HRCAST_DATA_RUNS_H
#define HRCAST_DATA_RUNS_H
#include "prep/series.h"
#include "io/reader.h"
#include "util/err.h"

struct run_list {
    struct series *s; /* owned copies */
    int n;
    int no_time; /* after a failed load_runs: every workout lacked usable times (a planned route: a course for
                  * `hrcast plan`, which the commands that read recordings point to) */
};

int load_runs(const char *path, float step, const struct read_opts *ro, struct run_list *out, struct hr_err *e);
/* Same for a buffer in memory (uploads). */
int load_runs_buffer(const uint8_t *buf, size_t n, const char *name, float step, const struct read_opts *ro,
                     struct run_list *out, struct hr_err *e);
void run_list_free(struct run_list *l);

#endif
