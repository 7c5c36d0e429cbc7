/* parquet_write.h — datasets out as Parquet in hrcast's layout (one row per series: id, athlete, sport,
 * title, gender, device, hr_sensor, start_time, step_s and list columns time, speed, altitude, grade,
 * distance, heart_rate, hr_issue). It sits
 * in src/data because it consumes struct series; the format's building blocks are in src/io/parquet/. */
#ifndef HRCAST_DATA_PARQUET_WRITE_H
#define HRCAST_DATA_PARQUET_WRITE_H
#include <stddef.h>
#include "prep/series.h"
#include "util/err.h"

struct pq_write_opts {
    int codec;            /* PQ_UNCOMPRESSED, PQ_SNAPPY (default), PQ_GZIP or PQ_ZSTD (io/parquet/parquet_meta.h) */
    int rows_per_group;   /* rows per row group; 0 = all rows in one row group */
    size_t page_bytes;    /* target uncompressed data page size (default 1 MiB) */
    const char *created_by; /* default "hrcast" */
};
void pq_write_opts_default(struct pq_write_opts *o);
/* Parse "none"/"uncompressed", "snappy", "gzip", "zstd"; returns the codec or -1. */
int pq_codec_parse(const char *s);

/* The name of the layout's column i (0 .. count-1) in file order; NULL past the last. The dataset card
 * (io/parquet/parquet_card.c) lists the same columns; test_parquet checks that the two agree. */
const char *parquet_series_column(int i);

/* Write n series, one row each, in the hrcast layout (PLAIN encoding, data page v1).
 * The file appears whole or not at all. */
int parquet_write_series(const char *path, const struct series *const *items, int n,
                         const struct pq_write_opts *o, struct hr_err *e);

#endif
