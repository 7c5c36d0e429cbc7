/* parquet_codec.h — page compression for Parquet: Snappy (libsnappy), gzip (zlib), zstd (libzstd)
 * and uncompressed. */
#ifndef HRCAST_IO_PARQUET_CODEC_H
#define HRCAST_IO_PARQUET_CODEC_H
#include <stddef.h>
#include <stdint.h>

const char *pq_codec_name(int codec);
/* Decompress exactly out_len bytes into out (caller-allocated). Returns 0, or -1 with *why set. */
int pq_decompress(int codec, const uint8_t *in, size_t n, uint8_t *out, size_t out_len, const char **why);
/* Compress into a malloc'ed buffer (*out, *out_len). Returns 0, or -1 with *why set. */
int pq_compress(int codec, const uint8_t *in, size_t n, uint8_t **out, size_t *out_len, const char **why);

#endif
