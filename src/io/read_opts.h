/* read_opts.h — the options every reader takes (struct read_opts) and their defaults, in their own header
 * and file so that the per-format readers (csv.c, fitrec.c, seedjson.c, ...) need nothing from reader.c,
 * which dispatches to them: the dependency goes one way. */
#ifndef HRCAST_IO_READ_OPTS_H
#define HRCAST_IO_READ_OPTS_H
#include <stddef.h>
#include "io/limits.h"

/* Units for CSV columns whose unit the header does not state. */
enum csv_speed_unit { CSV_SPEED_AUTO = 0, CSV_SPEED_MS, CSV_SPEED_KMH, CSV_SPEED_MPH };
enum csv_time_unit { CSV_TIME_AUTO = 0, CSV_TIME_ISO, CSV_TIME_UNIX, CSV_TIME_ELAPSED };

struct read_opts {
    double sample_step;            /* seed JSON: seconds per sample (default 6) */
    enum csv_speed_unit csv_speed; /* CSV: unit of a bare "speed" column */
    enum csv_time_unit csv_time;   /* CSV: how to read the time column */
    struct hr_limits lim;          /* input budgets (limits.h): inflated bytes, samples, footer */
    long long *bad_records;        /* not NULL: a reader that skips a bad record and reads on (a FitRec line,
                                    * each one workout) adds how many it skipped, so that they are counted */
};
void read_opts_default(struct read_opts *o);

#endif
