/* parquet_meta.h — the Parquet footer (FileMetaData: schema, row groups, column chunks, key/value
 * metadata) and page headers, decoded from Thrift compact bytes into plain structs, and the
 * enum values of parquet.thrift that the reader and writer share. */
#ifndef HRCAST_IO_PARQUET_META_H
#define HRCAST_IO_PARQUET_META_H
#include <stddef.h>
#include <stdint.h>

enum pq_type { PQ_BOOLEAN = 0, PQ_INT32 = 1, PQ_INT64 = 2, PQ_INT96 = 3, PQ_FLOAT = 4, PQ_DOUBLE = 5,
               PQ_BYTE_ARRAY = 6, PQ_FIXED = 7, PQ_NO_TYPE = -1 };
enum pq_rep { PQ_REQUIRED = 0, PQ_OPTIONAL = 1, PQ_REPEATED = 2 };
enum pq_converted { PQ_CT_NONE = -1, PQ_CT_UTF8 = 0, PQ_CT_LIST = 3, PQ_CT_TIMESTAMP_MILLIS = 9,
                    PQ_CT_TIMESTAMP_MICROS = 10 };
enum pq_codec { PQ_UNCOMPRESSED = 0, PQ_SNAPPY = 1, PQ_GZIP = 2, PQ_LZO = 3, PQ_BROTLI = 4, PQ_LZ4 = 5,
                PQ_ZSTD = 6, PQ_LZ4_RAW = 7 };
enum pq_encoding { PQ_PLAIN = 0, PQ_PLAIN_DICTIONARY = 2, PQ_RLE = 3, PQ_BIT_PACKED = 4,
                   PQ_DELTA_BINARY_PACKED = 5, PQ_DELTA_LENGTH_BYTE_ARRAY = 6, PQ_DELTA_BYTE_ARRAY = 7,
                   PQ_RLE_DICTIONARY = 8, PQ_BYTE_STREAM_SPLIT = 9 };
enum pq_page_type { PQ_DATA_PAGE = 0, PQ_INDEX_PAGE = 1, PQ_DICTIONARY_PAGE = 2, PQ_DATA_PAGE_V2 = 3 };
/* Time unit of a TIMESTAMP column, as a divisor to seconds (0: not a timestamp). */

#define PQ_NAME_LEN 128

struct pq_schema_elem {
    int type;        /* enum pq_type, PQ_NO_TYPE for groups */
    int type_length;
    int repetition;  /* enum pq_rep; the root has PQ_REQUIRED */
    char name[PQ_NAME_LEN];
    int num_children;
    int converted;   /* enum pq_converted or the raw value, PQ_CT_NONE when absent */
    int64_t ts_div;  /* TIMESTAMP logical/converted type: units per second (1000, 1e6, 1e9), else 0 */
    int is_string;   /* UTF8 / STRING / ENUM / JSON annotated byte array */
};

struct pq_column_chunk {
    int type;
    int codec;
    char **path; /* path_in_schema */
    int path_len;
    int64_t num_values;
    int64_t total_compressed_size;
    int64_t data_page_offset;
    int64_t dictionary_page_offset; /* -1 when absent */
    int has_meta;
};

struct pq_row_group {
    struct pq_column_chunk *cols;
    int n_cols;
    int64_t num_rows;
};

struct pq_kv {
    char *key, *value;
};

struct pq_file_meta {
    int version;
    struct pq_schema_elem *schema;
    int n_schema;
    int64_t num_rows;
    struct pq_row_group *rgs;
    int n_rgs;
    struct pq_kv *kv;
    int n_kv;
    char *created_by;
};

/* Decode a FileMetaData. On error returns -1 and sets *why (static text) and *at (byte offset). */
/* The reason set when the footer's lists declare more than max_elems elements in all. */
#define PQ_FOOTER_OVER_LIMIT "footer declares more elements than the footer limit"
int pq_meta_decode(const uint8_t *p, size_t n, size_t max_elems, struct pq_file_meta *m, const char **why,
                   size_t *at);
void pq_meta_free(struct pq_file_meta *m);
/* Value of a key in the key/value metadata, or NULL. */
const char *pq_meta_kv(const struct pq_file_meta *m, const char *key);

struct pq_page_header {
    int type;
    int32_t uncompressed_size, compressed_size;
    /* data page v1 / v2 and dictionary page */
    int32_t num_values;
    int encoding;
    int def_encoding, rep_encoding; /* v1 */
    int32_t num_nulls, num_rows;    /* v2 */
    int32_t def_len, rep_len;       /* v2 */
    int is_compressed;              /* v2, default 1 */
    size_t header_len;              /* bytes the header took */
};

/* Decode a PageHeader at p; sets h->header_len. On error returns -1 and sets *why. */
int pq_page_header_decode(const uint8_t *p, size_t n, struct pq_page_header *h, const char **why);

#endif
