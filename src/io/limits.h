/* limits.h — the input budgets: every size that comes from a file or an upload (inflated bytes,
 * samples per workout, Parquet pages and footer elements, grid duration) is checked against one of
 * these before anything is allocated. One struct of named limits with defaults; the CLI sets them
 * from flags (--max-inflate, --max-samples, --max-footer), the server from its upload limit
 * (hr_limits_for_upload). A refusal names the limit and its flag (docs/data.md "Input limits"). */
#ifndef HRCAST_IO_LIMITS_H
#define HRCAST_IO_LIMITS_H
#include <stddef.h>

/* Defaults of the command line. */
#define HR_LIMIT_INFLATE ((size_t)1 << 30)  /* bytes a file may inflate to (gzip; Parquet pages) */
#define HR_LIMIT_SAMPLES ((size_t)1000000)  /* samples in one workout (~11.5 days at 1 Hz) */
#define HR_LIMIT_FOOTER ((size_t)1000000)   /* Parquet footer elements (schema, row groups, chunks) */
#define HR_LIMIT_DURATION_S (48.0 * 3600.0) /* span of a grid series: longer recordings are cut */
/* Uploads (the server): a small multiple of the upload limit, and 2 samples a second for 48 h. */
#define HR_LIMIT_UPLOAD_INFLATE_FACTOR 2
#define HR_LIMIT_UPLOAD_INFLATE_MIN ((size_t)8 << 20)
#define HR_LIMIT_UPLOAD_SAMPLES ((size_t)345600)
#define HR_LIMIT_UPLOAD_FOOTER ((size_t)65536)
/* Parquet: each declared value costs this many bytes of the inflate budget (its levels, its value
 * and the index the decoder keeps), on top of the page's declared uncompressed size. */
#define HR_LIMIT_PARQUET_VALUE_BYTES 16

struct hr_limits {
    size_t max_inflate; /* bytes: a gzip file or upload after inflation, and a Parquet file's pages
                         * after decompression plus HR_LIMIT_PARQUET_VALUE_BYTES per declared value */
    size_t max_samples; /* samples in one workout, in every reader */
    size_t max_footer;  /* elements a Parquet footer may declare (each allocates a struct) */
};
/* The grid's span (HR_LIMIT_DURATION_S) is not per file: prep cuts every series there
 * (prep_opts.max_duration_s may lower it) and plans longer than it are refused. */

/* The command-line defaults above. */
void hr_limits_default(struct hr_limits *l);
/* The limits for one upload of at most max_upload bytes (the server's /api/predict):
 * max_inflate = max(2 x max_upload, 8 MiB), 345,600 samples, 65,536 footer elements. */
void hr_limits_for_upload(struct hr_limits *l, size_t max_upload);

#endif
