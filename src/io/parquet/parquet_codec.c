/* parquet_codec.c — Snappy, gzip and zstd page (de)compression for Parquet (see parquet_codec.h). */
#include "io/parquet/parquet_codec.h"
#include "io/parquet/parquet_meta.h"
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

const char *pq_codec_name(int codec)
{
    static const char *names[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
    return codec >= 0 && codec <= 7 ? names[codec] : "unknown";
}

static int gunzip_exact(const uint8_t *in, size_t n, uint8_t *out, size_t out_len, const char **why)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 32) != Z_OK) { /* gzip or zlib header */
        *why = "gzip: init failed";
        return -1;
    }
    size_t done = 0;
    const uint8_t *p = in;
    size_t left = n;
    int rc = Z_OK;
    /* Loop over concatenated gzip members. */
    while (left > 0) {
        z.next_in = (Bytef *)p;
        z.avail_in = (uInt)(left > (1u << 30) ? (1u << 30) : left);
        z.next_out = out + done;
        z.avail_out = (uInt)(out_len - done);
        rc = inflate(&z, Z_FINISH);
        size_t used = (size_t)(z.next_in - p);
        p += used;
        left -= used;
        done = (size_t)(z.next_out - out);
        if (rc == Z_STREAM_END) {
            if (left == 0 || done == out_len)
                break;
            inflateReset(&z);
            continue;
        }
        if (rc == Z_BUF_ERROR && z.avail_out == 0) {
            *why = "gzip: page inflates to more than its header says";
            inflateEnd(&z);
            return -1;
        }
        *why = "gzip: corrupt data";
        inflateEnd(&z);
        return -1;
    }
    inflateEnd(&z);
    if (done != out_len) {
        *why = "gzip: page inflates to fewer bytes than its header says";
        return -1;
    }
    return 0;
}

int pq_decompress(int codec, const uint8_t *in, size_t n, uint8_t *out, size_t out_len, const char **why)
{
    switch (codec) {
    case PQ_UNCOMPRESSED:
        if (n != out_len) {
            *why = "uncompressed page: sizes differ";
            return -1;
        }
        if (n)
            memcpy(out, in, n);
        return 0;
    case PQ_SNAPPY: {
        size_t len;
        if (snappy_uncompressed_length((const char *)in, n, &len) != SNAPPY_OK || len != out_len) {
            *why = "snappy: bad length";
            return -1;
        }
        if (out_len == 0)
            return 0;
        if (snappy_uncompress((const char *)in, n, (char *)out, &len) != SNAPPY_OK || len != out_len) {
            *why = "snappy: corrupt data";
            return -1;
        }
        return 0;
    }
    case PQ_GZIP: return gunzip_exact(in, n, out, out_len, why);
    case PQ_ZSTD: {
        size_t r = ZSTD_decompress(out, out_len, in, n);
        if (ZSTD_isError(r)) {
            *why = "zstd: corrupt data";
            return -1;
        }
        if (r != out_len) {
            *why = "zstd: page inflates to fewer bytes than its header says";
            return -1;
        }
        return 0;
    }
    default: *why = "unsupported compression codec (supported: none, snappy, gzip, zstd)"; return -1;
    }
}

int pq_compress(int codec, const uint8_t *in, size_t n, uint8_t **out, size_t *out_len, const char **why)
{
    *out = NULL;
    *out_len = 0;
    switch (codec) {
    case PQ_UNCOMPRESSED: {
        uint8_t *b = malloc(n ? n : 1);
        if (!b)
            goto oom;
        if (n)
            memcpy(b, in, n);
        *out = b;
        *out_len = n;
        return 0;
    }
    case PQ_SNAPPY: {
        size_t cap = snappy_max_compressed_length(n);
        uint8_t *b = malloc(cap ? cap : 1);
        if (!b)
            goto oom;
        if (snappy_compress((const char *)in, n, (char *)b, &cap) != SNAPPY_OK) {
            free(b);
            *why = "snappy: compression failed";
            return -1;
        }
        *out = b;
        *out_len = cap;
        return 0;
    }
    case PQ_ZSTD: {
        size_t cap = ZSTD_compressBound(n);
        uint8_t *b = malloc(cap ? cap : 1);
        if (!b)
            goto oom;
        size_t r = ZSTD_compress(b, cap, in, n, 3);
        if (ZSTD_isError(r)) {
            free(b);
            *why = "zstd: compression failed";
            return -1;
        }
        *out = b;
        *out_len = r;
        return 0;
    }
    case PQ_GZIP: {
        z_stream z;
        memset(&z, 0, sizeof z);
        if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            *why = "gzip: init failed";
            return -1;
        }
        size_t cap = deflateBound(&z, (uLong)n) + 32;
        uint8_t *b = malloc(cap);
        if (!b) {
            deflateEnd(&z);
            goto oom;
        }
        z.next_in = (Bytef *)in;
        z.avail_in = (uInt)n;
        z.next_out = b;
        z.avail_out = (uInt)cap;
        int rc = deflate(&z, Z_FINISH);
        size_t len = (size_t)z.total_out;
        deflateEnd(&z);
        if (rc != Z_STREAM_END) {
            free(b);
            *why = "gzip: compression failed";
            return -1;
        }
        *out = b;
        *out_len = len;
        return 0;
    }
    default: *why = "unsupported compression codec for writing"; return -1;
    }
oom:
    *why = "out of memory";
    return -1;
}
