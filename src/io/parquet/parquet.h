/* parquet.h — the public face of hrcast's own Parquet support (no Parquet library in C exists in
 * Debian): reading Parquet datasets into workouts (one per row) and writing cleaned series as
 * Parquet in the hrcast layout (docs/parquet.md). */
#ifndef HRCAST_IO_PARQUET_H
#define HRCAST_IO_PARQUET_H
#include <stddef.h>
#include <stdint.h>
#include "io/reader.h"
#include "util/err.h"


/* Read a whole Parquet file held in memory; each row becomes one workout handed to sink.
 * Layouts: hrcast's (time/speed/... list columns + id, athlete, sport, gender, start_time, step_s)
 * and the FitRec/Endomondo publication (timestamp/speed/heart_rate/... lists + userId, sport, ...).
 * Speed unit rule: see docs/parquet.md. */
int parquet_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                 workout_sink sink, void *ctx, struct hr_err *e);

#endif
