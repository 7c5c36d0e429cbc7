/* parquet.h — the public face of hrcast's own Parquet support (no Parquet library in C exists in
 * Debian): reading Parquet datasets into workouts (one per row) and writing cleaned series as
 * Parquet in the hrcast layout (docs/parquet.md). */
#ifndef HRCAST_IO_PARQUET_H
#define HRCAST_IO_PARQUET_H
#include <stddef.h>
#include <stdint.h>
#include "io/reader.h"
#include "util/err.h"

struct series; /* src/prep/series.h */

/* Read a whole Parquet file held in memory; each row becomes one workout handed to sink.
 * Layouts: hrcast's (time/speed/... list columns + id, athlete, sport, gender, start_time, step_s)
 * and the FitRec/Endomondo publication (timestamp/speed/heart_rate/... lists + userId, sport, ...).
 * Speed unit rule: see docs/parquet.md. */
int parquet_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                 workout_sink sink, void *ctx, struct hr_err *e);

struct pq_write_opts {
    int codec;            /* PQ_UNCOMPRESSED, PQ_SNAPPY (default), PQ_GZIP or PQ_ZSTD (parquet_meta.h) */
    int rows_per_group;   /* rows per row group; 0 = all rows in one row group */
    size_t page_bytes;    /* target uncompressed data page size (default 1 MiB) */
    const char *created_by; /* default "hrcast" */
};
void pq_write_opts_default(struct pq_write_opts *o);
/* Parse "none"/"uncompressed", "snappy", "gzip", "zstd"; returns the codec or -1. */
int pq_codec_parse(const char *s);

/* Write n series, one row each, in the hrcast layout (PLAIN encoding, data page v1).
 * The file appears whole or not at all. */
int parquet_write_series(const char *path, const struct series *const *items, int n,
                         const struct pq_write_opts *o, struct hr_err *e);

#endif
