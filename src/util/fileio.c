/* fileio.c — whole-file reads with transparent gzip, and temp-file-plus-rename writes. */
#include "util/fileio.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

int is_gzip(const uint8_t *buf, size_t n) { return n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b; }

int read_file_all(const char *path, uint8_t **out, size_t *len, size_t max_len, struct hr_err *e)
{
    *out = NULL;
    *len = 0;
    gzFile g = gzopen(path, "rb");
    if (!g)
        return hr_fail(e, "%s: cannot open: %s", path, strerror(errno ? errno : ENOENT));
    gzbuffer(g, 1 << 17);
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap + 1);
    if (!buf) {
        gzclose(g);
        return hr_fail(e, "%s: out of memory", path);
    }
    for (;;) {
        if (n == cap) {
            if (cap >= max_len) {
                free(buf);
                gzclose(g);
                return hr_fail(e, "%s: file larger than the limit of %zu bytes", path, max_len);
            }
            cap *= 2;
            uint8_t *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                gzclose(g);
                return hr_fail(e, "%s: out of memory", path);
            }
            buf = nb;
        }
        int r = gzread(g, buf + n, (unsigned)(cap - n > (1u << 30) ? (1u << 30) : cap - n));
        if (r < 0) {
            int zerr;
            const char *msg = gzerror(g, &zerr);
            int rc = hr_fail(e, "%s: %zu: corrupt gzip data: %s", path, n, msg);
            free(buf);
            gzclose(g);
            return rc;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    gzclose(g);
    if (n > max_len) {
        free(buf);
        return hr_fail(e, "%s: file larger than the limit of %zu bytes", path, max_len);
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

int gunzip_buffer(const uint8_t *in, size_t n, uint8_t **out, size_t *out_len, size_t max_len,
                  struct hr_err *e)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return hr_fail(e, "gzip: cannot initialise zlib");
    size_t cap = n * 4 + 1024, len = 0;
    uint8_t *buf = malloc(cap + 1);
    if (!buf) {
        inflateEnd(&zs);
        return hr_fail(e, "gzip: out of memory");
    }
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)n;
    for (;;) {
        if (len == cap) {
            if (cap >= max_len) {
                free(buf);
                inflateEnd(&zs);
                return hr_fail(e, "gzip: inflated data larger than the limit of %zu bytes", max_len);
            }
            cap *= 2;
            uint8_t *nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                inflateEnd(&zs);
                return hr_fail(e, "gzip: out of memory");
            }
            buf = nb;
        }
        zs.next_out = buf + len;
        zs.avail_out = (uInt)(cap - len);
        int r = inflate(&zs, Z_NO_FLUSH);
        len = cap - zs.avail_out;
        if (r == Z_STREAM_END)
            break;
        if (r != Z_OK) {
            long long at = (long long)zs.total_in;
            free(buf);
            inflateEnd(&zs);
            return hr_fail(e, "gzip: %lld: corrupt or truncated gzip data", at);
        }
    }
    inflateEnd(&zs);
    if (len > max_len) {
        free(buf);
        return hr_fail(e, "gzip: inflated data larger than the limit of %zu bytes", max_len);
    }
    buf[len] = 0;
    *out = buf;
    *out_len = len;
    return 0;
}

int atomic_open(struct atomic_file *a, const char *path, struct hr_err *e)
{
    snprintf(a->path, sizeof a->path, "%s", path);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld", path, (long)getpid());
    a->f = fopen(a->tmp, "wb");
    if (!a->f)
        return hr_fail(e, "%s: cannot create: %s", path, strerror(errno)); /* the user's name, not the temp one */
    return 0;
}

int atomic_commit(struct atomic_file *a, struct hr_err *e)
{
    if (!a->f)
        return hr_fail(e, "%s: not open", a->path);
    int bad = ferror(a->f) || fflush(a->f) != 0;
    if (!bad)
        fsync(fileno(a->f));
    bad |= fclose(a->f) != 0;
    a->f = NULL;
    if (bad) {
        unlink(a->tmp);
        return hr_fail(e, "%s: write failed: %s", a->path, strerror(errno));
    }
    if (rename(a->tmp, a->path) != 0) {
        int rc = hr_fail(e, "%s: cannot rename temp file: %s", a->path, strerror(errno));
        unlink(a->tmp);
        return rc;
    }
    return 0;
}

void atomic_abort(struct atomic_file *a)
{
    if (a->f) {
        fclose(a->f);
        a->f = NULL;
    }
    unlink(a->tmp);
}

int write_file_atomic(const char *path, const void *data, size_t n, struct hr_err *e)
{
    struct atomic_file a;
    if (atomic_open(&a, path, e))
        return -1;
    if (n && fwrite(data, 1, n, a.f) != n) {
        atomic_abort(&a);
        return hr_fail(e, "%s: write failed", path);
    }
    return atomic_commit(&a, e);
}
