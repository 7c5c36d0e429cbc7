/* reader.h — format detection from content and dispatch to the one reader per format.
 * Every reader turns bytes into struct workout and hands each one to a workout_sink.
 * Errors: the reader returns -1 and fills e with "name: offset: reason". Warnings (a bad FIT CRC,
 * a skipped malformed line) go to hr_warn with the same "name: offset:" prefix. */
#ifndef HRCAST_IO_READER_H
#define HRCAST_IO_READER_H
#include <stddef.h>
#include <stdint.h>
#include "io/read_opts.h"
#include "io/workout.h"
#include "util/err.h"

enum hr_format {
    FMT_UNKNOWN = 0,
    FMT_FIT,
    FMT_TCX,
    FMT_GPX,
    FMT_CSV,
    FMT_FITREC,    /* Endomondo/FitRec: one workout per line, Python dict literal or JSON */
    FMT_SEED_JSON, /* {"speed": [km/h...], "altitude": [m...], "gender": "Male"} */
    FMT_PARQUET,
    FMT_API_JSON, /* hrcast's own {"speed": [m/s...], "step": 10, ...} (io/apijson.h): the API's body and result */
};


const char *format_name(enum hr_format f);
/* Detection reads this many bytes of a file (inflated): every caller the same, so that a folder walk and a
 * file named on the command line agree (until 2026-12-07 detection looked at 8 KB, and a FitRec line whose
 * first keys are long lists, as the publication's are, was an unrecognised format). */
#define IO_DETECT_BYTES 65536
/* Detect from the first bytes (already inflated if gzip). */
enum hr_format io_detect(const uint8_t *buf, size_t n);

/* The first bytes of buf (at most cap), inflated when buf is gzip; returns how many were written. */
size_t io_peek(const uint8_t *buf, size_t n, uint8_t *out, size_t cap);
/* Detect the format of a buffer held in memory (gzip inflated for the look). */
enum hr_format io_detect_buffer(const uint8_t *buf, size_t n);
/* Detect the format of a file from its first bytes (gzip inflated). FMT_UNKNOWN if unreadable, and for a
 * stream (path_is_stream: stdin, a pipe), which cannot be looked at without using it up. */
enum hr_format io_detect_path(const char *path);
/* Read a file: gzip inflated transparently, format from content. FitRec files are streamed. */
int io_read_path(const char *path, const struct read_opts *o, workout_sink sink, void *ctx,
                 struct hr_err *e);
/* Read a buffer held in memory (uploads); gzip allowed. name is used in messages. */
int io_read_buffer(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                   workout_sink sink, void *ctx, struct hr_err *e);

/* ---- one reader per format (src/io/<format>.c); buffers are NOT NUL-terminated necessarily ---- */
int fit_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
             workout_sink sink, void *ctx, struct hr_err *e);
int tcx_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
             workout_sink sink, void *ctx, struct hr_err *e);
int gpx_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
             workout_sink sink, void *ctx, struct hr_err *e);
int csv_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
             workout_sink sink, void *ctx, struct hr_err *e);
int seedjson_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                  workout_sink sink, void *ctx, struct hr_err *e);

/* Streaming source: returns bytes read (0 at end), or -1 on error. */
typedef long (*io_read_fn)(void *src, uint8_t *buf, size_t cap);
/* FitRec: prefix (already read for detection, may be empty) is parsed before the stream. */
int fitrec_read_stream(io_read_fn read, void *src, const uint8_t *prefix, size_t prefix_len,
                       const char *name, const struct read_opts *o, workout_sink sink, void *ctx,
                       struct hr_err *e);
int fitrec_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                workout_sink sink, void *ctx, struct hr_err *e);

#endif
