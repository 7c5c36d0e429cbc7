/* ingest.h — the path from raw workouts to a dataset file: prep each workout, drop duplicates
 * (same athlete and start time), count every reason, write the series. Used by `hrcast import`
 * and `hrcast simulate`, so simulated and real data go through the very same cleaning. */
#ifndef HRCAST_DATA_INGEST_H
#define HRCAST_DATA_INGEST_H
#include <stdint.h>
#include "data/dataset.h"
#include "io/workout.h"
#include "prep/hr_quality.h"
#include "prep/prep.h"

struct ingest {
    struct dataset_writer *w;
    struct prep_opts popts;
    struct prep_stats st;
    uint64_t *seen; /* open-addressing set of (athlete, start) keys; 0 = empty */
    size_t seen_cap, seen_n;
    long long workouts_in;
    double hours; /* accepted hours */
    long long hr_quality[HRQ_COUNT]; /* accepted grid steps per HR-quality verdict */
    struct hr_err err; /* first write error, if any */
    int failed;
    int warned_grid;     /* said once that an hrcast export's grid is resampled to another step */
    int warned_verdicts; /* said once that an export's HR-quality verdicts are assessed again (resampled,
                          * or none stored) */
};

int ingest_open(struct ingest *g, const char *out_path, const struct prep_opts *o, struct hr_err *e);
/* workout_sink-compatible: ctx is struct ingest*. Returns non-zero only on a write error. */
int ingest_sink(void *ctx, struct workout *w);
/* Count a file-level rejection (read error, unsupported format). */
void ingest_count(struct ingest *g, enum reject_reason r);
int ingest_finish(struct ingest *g, uint64_t split_seed, const char *desc, struct hr_err *e);
void ingest_abort(struct ingest *g);

#endif
