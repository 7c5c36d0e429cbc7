/* reader.c — detects a file's format from its content and dispatches to that format's reader. */
#include "io/reader.h"
#include "io/apijson.h"
#include "io/parquet/parquet.h"
#include "util/fileio.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

const char *format_name(enum hr_format f)
{
    switch (f) {
    case FMT_FIT: return "fit";
    case FMT_TCX: return "tcx";
    case FMT_GPX: return "gpx";
    case FMT_CSV: return "csv";
    case FMT_FITREC: return "fitrec";
    case FMT_SEED_JSON: return "seed-json";
    case FMT_PARQUET: return "parquet";
    case FMT_API_JSON: return "json";
    default: return "unknown";
    }
}

static int has(const uint8_t *buf, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    if (m > n)
        return 0;
    for (size_t i = 0; i + m <= n; i++)
        if (buf[i] == (uint8_t)needle[0] && memcmp(buf + i, needle, m) == 0)
            return 1;
    return 0;
}

enum hr_format io_detect(const uint8_t *buf, size_t n)
{
    if (n >= 12 && (buf[0] == 12 || buf[0] == 14) && memcmp(buf + 8, ".FIT", 4) == 0)
        return FMT_FIT;
    if (n >= 4 && memcmp(buf, "PAR1", 4) == 0)
        return FMT_PARQUET;
    size_t i = 0;
    if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF)
        i = 3;
    while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
        i++;
    if (i == n)
        return FMT_UNKNOWN;
    size_t look = n - i < IO_DETECT_BYTES ? n - i : IO_DETECT_BYTES;
    const uint8_t *p = buf + i;
    if (p[0] == '<') {
        if (has(p, look, "TrainingCenterDatabase"))
            return FMT_TCX;
        if (has(p, look, "<gpx"))
            return FMT_GPX;
        return FMT_UNKNOWN;
    }
    if (p[0] == '{' || p[0] == '[') {
        /* hrcast's own jsonl export (metadata, then step_s, then the arrays): the FitRec line reader */
        if (has(p, look, "\"step_s\""))
            return FMT_FITREC;
        /* hrcast's own JSON (the API's body, the page's downloaded result): a top-level "step" or "time"
         * next to "speed", in m/s; before the FitRec test, which a downloaded result's "heart_rate" passed */
        if (apijson_looks_like(p, n - i))
            return FMT_API_JSON;
        /* FitRec lines carry per-sample arrays plus a timestamp and/or heart_rate. */
        if (has(p, look, "'heart_rate'") || has(p, look, "'timestamp'") || has(p, look, "'userId'"))
            return FMT_FITREC;
        if (has(p, look, "\"heart_rate\"") || has(p, look, "\"timestamp\"") || has(p, look, "\"userId\""))
            return FMT_FITREC;
        if (has(p, look, "\"speed\"") || has(p, look, "\"altitude\""))
            return FMT_SEED_JSON;
        return FMT_UNKNOWN;
    }
    /* CSV: a printable header line with a separator. */
    size_t j = 0;
    int sep = 0;
    for (; j < look && p[j] != '\n'; j++) {
        if (p[j] == ',' || p[j] == ';' || p[j] == '\t')
            sep = 1;
        else if (p[j] < 0x20 && p[j] != '\r')
            return FMT_UNKNOWN;
    }
    return sep ? FMT_CSV : FMT_UNKNOWN;
}

static int dispatch(enum hr_format f, const uint8_t *buf, size_t n, const char *name,
                    const struct read_opts *o, workout_sink sink, void *ctx, struct hr_err *e)
{
    switch (f) {
    case FMT_FIT: return fit_read(buf, n, name, o, sink, ctx, e);
    case FMT_TCX: return tcx_read(buf, n, name, o, sink, ctx, e);
    case FMT_GPX: return gpx_read(buf, n, name, o, sink, ctx, e);
    case FMT_CSV: return csv_read(buf, n, name, o, sink, ctx, e);
    case FMT_FITREC: return fitrec_read(buf, n, name, o, sink, ctx, e);
    case FMT_SEED_JSON: return seedjson_read(buf, n, name, o, sink, ctx, e);
    case FMT_PARQUET: return parquet_read(buf, n, name, o, sink, ctx, e);
    case FMT_API_JSON: return apijson_read(buf, n, name, o, sink, ctx, e);
    default: break;
    }
    if (n == 0)
        return hr_fail_at(e, name, 0, "empty file");
    return hr_fail_at(e, name, 0, "unrecognised format (not FIT, TCX, GPX, CSV, FitRec, seed JSON or hrcast JSON)");
}

int io_read_buffer(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                   workout_sink sink, void *ctx, struct hr_err *e)
{
    struct read_opts def;
    if (!o) {
        read_opts_default(&def);
        o = &def;
    }
    if (is_gzip(buf, n)) {
        uint8_t *raw;
        size_t len;
        if (gunzip_buffer(buf, n, &raw, &len, o->lim.max_inflate, e)) {
            char tmp[HR_ERR_MSG];
            snprintf(tmp, sizeof tmp, "%s", e ? e->msg : "");
            return hr_fail(e, "%.200s: %.300s", name, tmp);
        }
        int rc = dispatch(io_detect(raw, len), raw, len, name, o, sink, ctx, e);
        free(raw);
        return rc;
    }
    return dispatch(io_detect(buf, n), buf, n, name, o, sink, ctx, e);
}

size_t io_peek(const uint8_t *buf, size_t n, uint8_t *out, size_t cap)
{
    if (!is_gzip(buf, n)) {
        size_t k = n < cap ? n : cap;
        memcpy(out, buf, k);
        return k;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return 0;
    z.next_in = (Bytef *)buf;
    z.avail_in = (uInt)(n > (1u << 30) ? (1u << 30) : n);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = inflate(&z, Z_SYNC_FLUSH);
    size_t got = cap - z.avail_out;
    inflateEnd(&z);
    return rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR ? got : 0;
}

enum hr_format io_detect_buffer(const uint8_t *buf, size_t n)
{
    uint8_t *head = malloc(IO_DETECT_BYTES);
    if (!head)
        return FMT_UNKNOWN;
    enum hr_format f = io_detect(head, io_peek(buf, n, head, IO_DETECT_BYTES));
    free(head);
    return f;
}

enum hr_format io_detect_path(const char *path)
{
    if (path_is_stream(path))
        return FMT_UNKNOWN; /* looking would use up what io_read_path is still to read */
    gzFile g = gzopen(path, "rb");
    if (!g)
        return FMT_UNKNOWN;
    uint8_t *buf = malloc(IO_DETECT_BYTES);
    int got = buf ? gzread(g, buf, IO_DETECT_BYTES) : -1;
    gzclose(g);
    enum hr_format f = got > 0 ? io_detect(buf, (size_t)got) : FMT_UNKNOWN;
    free(buf);
    return f;
}

static long gz_source(void *src, uint8_t *buf, size_t cap)
{
    int r = gzread((gzFile)src, buf, (unsigned)(cap > (1u << 30) ? (1u << 30) : cap));
    return r < 0 ? -1 : r;
}

int io_read_path(const char *path, const struct read_opts *o, workout_sink sink, void *ctx,
                 struct hr_err *e)
{
    struct read_opts def;
    if (!o) {
        read_opts_default(&def);
        o = &def;
    }
    if (path_is_stream(path)) {
        /* a pipe or standard input cannot be read twice (once for the kind, once for the data): read it
         * whole, inflated if gzip, within the same limit as a file's data */
        uint8_t *buf;
        size_t n;
        if (read_file_all(path, &buf, &n, o->lim.max_inflate, e))
            return -1;
        int rc = io_read_buffer(buf, n, path_display_name(path), o, sink, ctx, e);
        free(buf);
        return rc;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) /* gzread said "corrupt gzip data: Is a directory" */
        return hr_fail(e, "%s: is a folder, not a workout file", path);
    gzFile g = gzopen(path, "rb");
    if (!g)
        return hr_fail(e, "%s: cannot open: %s", path, strerror(errno ? errno : ENOENT));
    gzbuffer(g, 1 << 18);
    enum { PREFIX = IO_DETECT_BYTES };
    uint8_t *prefix = malloc(PREFIX);
    if (!prefix) {
        gzclose(g);
        return hr_fail(e, "%s: out of memory", path);
    }
    int got = gzread(g, prefix, PREFIX);
    if (got < 0) {
        int zerr;
        int rc = hr_fail_at(e, path, 0, "corrupt gzip data: %s", gzerror(g, &zerr));
        free(prefix);
        gzclose(g);
        return rc;
    }
    enum hr_format f = io_detect(prefix, (size_t)got);
    int rc;
    if (f == FMT_FITREC) {
        rc = fitrec_read_stream(gz_source, g, prefix, (size_t)got, path, o, sink, ctx, e);
        free(prefix);
        gzclose(g);
        return rc;
    }
    free(prefix);
    gzclose(g);
    if (f == FMT_UNKNOWN && got == 0)
        return hr_fail_at(e, path, 0, "empty file");
    uint8_t *buf;
    size_t n;
    if (read_file_all(path, &buf, &n, o->lim.max_inflate, e))
        return -1;
    rc = dispatch(f, buf, n, path, o, sink, ctx, e);
    free(buf);
    return rc;
}
