/* parquet_column.h — the leaf columns of a Parquet schema (with their definition/repetition level
 * bounds) and the decoding of one column chunk: pages v1/v2, dictionary pages, PLAIN,
 * RLE_DICTIONARY/PLAIN_DICTIONARY and BYTE_STREAM_SPLIT values, RLE/bit-packed hybrid levels. */
#ifndef HRCAST_IO_PARQUET_COLUMN_H
#define HRCAST_IO_PARQUET_COLUMN_H
#include <stddef.h>
#include <stdint.h>
#include "io/parquet/parquet_meta.h"

struct pq_leaf {
    int type, type_length;
    int max_def, max_rep;
    int rep_def;   /* definition level of the innermost repeated node (0: no repeated node) */
    int is_string;
    int64_t ts_div; /* units per second of a TIMESTAMP column, else 0 */
    char top[PQ_NAME_LEN]; /* name of the top-level field the leaf belongs to */
    int depth;             /* nodes from the top-level field down to the leaf */
};

/* Flatten the schema tree into its leaves (in column-chunk order). */
int pq_schema_leaves(const struct pq_file_meta *m, struct pq_leaf **out, int *n, const char **why);

struct pq_column {
    size_t n_levels;     /* level entries (one per value or null/empty marker) */
    uint8_t *def, *rep;  /* NULL when the max level is 0 */
    size_t n_vals, cap_vals; /* non-null values */
    int64_t *i64;        /* BOOLEAN, INT32, INT64 */
    double *f64;         /* FLOAT, DOUBLE, INT96 (as NaN) */
    uint32_t *off;       /* BYTE_ARRAY / FIXED: n_vals + 1 offsets into bytes */
    uint8_t *bytes;
    size_t n_bytes, cap_bytes, cap_levels;
};

/* What one file may still decode, charged before anything is allocated or inflated (guards against
 * decompression and RLE bombs): every page costs its declared uncompressed size plus
 * HR_LIMIT_PARQUET_VALUE_BYTES per declared value against bytes_left (from --max-inflate); a column
 * chunk may declare at most max_per_row values per row of its row group (from --max-samples). */
struct pq_budget {
    uint64_t bytes_left, bytes_limit;
    uint64_t max_per_row;
    char why[200]; /* a refusal naming the limit (pointed to by *why) */
};
void pq_budget_init(struct pq_budget *b, uint64_t max_bytes, uint64_t max_per_row);

/* Decode one column chunk of a file held in memory, of a row group of num_rows rows. On error
 * returns -1 with *why and *at (file offset) set. The budget is decremented. */
int pq_column_read(const uint8_t *file, size_t file_len, const struct pq_column_chunk *cc,
                   const struct pq_leaf *leaf, int64_t num_rows, struct pq_budget *budget,
                   struct pq_column *out, const char **why, size_t *at);
void pq_column_free(struct pq_column *c);
/* Value k as a double (NaN for byte arrays). */
double pq_column_num(const struct pq_column *c, const struct pq_leaf *leaf, size_t k);

/* RLE/bit-packed hybrid: decode count values of bit width bw (0..32). Returns bytes used or -1. */
long pq_rle_decode(const uint8_t *p, size_t n, int bw, uint32_t *out, size_t count);

#endif
