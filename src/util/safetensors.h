/* safetensors.h — reading and writing safetensors files (8-byte LE header length, JSON header
 * {name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}, then the raw little-endian data).
 * Reading validates strictly: offsets in range, sizes matching dtype x shape, no overlaps, no holes.
 * Writing is atomic (util/fileio.h). */
#ifndef HRCAST_UTIL_SAFETENSORS_H
#define HRCAST_UTIL_SAFETENSORS_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

enum st_dtype { ST_F64, ST_F32, ST_F16, ST_BF16, ST_I64, ST_I32, ST_I16, ST_I8, ST_U8, ST_BOOL,
                ST_DTYPES };
#define ST_MAX_DIMS 8
#define ST_NAME_MAX 256
#define ST_MAX_HEADER ((uint64_t)100 << 20)

struct st_tensor {
    char name[ST_NAME_MAX];
    enum st_dtype dtype;
    int ndim;
    int64_t shape[ST_MAX_DIMS];
    uint64_t numel;
    uint64_t begin, end;   /* byte offsets within the data section */
    const uint8_t *data;   /* points into the file buffer (may be unaligned: use st_copy_f32) */
};

struct st_meta {
    char *key, *value;
};

struct safetensors {
    uint8_t *buf;          /* the whole file (owned when read via st_read_file) */
    size_t len;
    int owns_buf;
    struct st_tensor *t;
    int n;
    struct st_meta *meta;
    int n_meta;
    char label[256];       /* the name st_parse was given (the file): errors name it */
};

const char *st_dtype_name(enum st_dtype d);
size_t st_dtype_size(enum st_dtype d);

/* Parse a buffer held in memory; buf must stay alive while st is used. name labels errors. */
int st_parse(const uint8_t *buf, size_t len, const char *name, struct safetensors *st, struct hr_err *e);
/* Read and parse a file (max_len bytes at most, 0 = 2 GiB). */
int st_read_file(const char *path, size_t max_len, struct safetensors *st, struct hr_err *e);
void st_free(struct safetensors *st);

const struct st_tensor *st_find(const struct safetensors *st, const char *name);
const char *st_meta_get(const struct safetensors *st, const char *key); /* NULL if absent */
/* Copy tensor `name` (dtype F32, exactly n elements; when shape != NULL it must equal
 * shape[0..ndim); every value finite: a model's weights, parameters and optimiser state are never NaN or
 * Inf) into dst. Fails with a clear message naming the file otherwise. */
int st_copy_f32(const struct safetensors *st, const char *name, int ndim, const int64_t *shape,
                float *dst, size_t n, struct hr_err *e);

/* Writing. Tensors are written in the given order with contiguous offsets. */
struct st_out {
    const char *name;
    enum st_dtype dtype;   /* usually ST_F32 */
    const void *data;      /* numel * dtype size bytes, host little-endian */
    int ndim;
    int64_t shape[ST_MAX_DIMS];
};
int st_write_file(const char *path, const struct st_out *t, int n, const struct st_meta *meta,
                  int n_meta, struct hr_err *e);
/* The same into a malloc'ed buffer (for tests and uploads). */
int st_write_buffer(const struct st_out *t, int n, const struct st_meta *meta, int n_meta,
                    uint8_t **out, size_t *out_len, struct hr_err *e);

#endif
