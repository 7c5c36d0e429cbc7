/* xml_util.h — helpers shared by the TCX and GPX readers (src/io/tcx.c, src/io/gpx.c):
 * namespace-prefix stripping, strict number and ISO 8601 time parsing, a bounded text collector,
 * the expat driver with "name: offset (line L): message" errors, once-per-file warnings for bad
 * values, and the emitter that numbers several workouts of one file "name#1", "name#2", ...
 * Expat runs WITHOUT namespace processing: element names arrive as "prefix:local" and the readers
 * match on the local part, so any prefix (ns3:TPX, gpxtpx:hr, undeclared ones) works alike. */
#ifndef HRCAST_IO_XML_UTIL_H
#define HRCAST_IO_XML_UTIL_H
#include <expat.h>
#include <stddef.h>
#include <stdint.h>
#include "io/workout.h"
#include "util/err.h"

/* Local part of a qualified name: "ns3:TPX" -> "TPX", "{uri}hr" -> "hr", "hr" -> "hr". */
const char *xml_local_name(const char *qname);

/* Strict decimal number: optional spaces, [+-]digits[.digits][e[+-]digits], optional spaces.
 * Rejects empty text, NaN, inf, hex, trailing garbage and values that overflow a double.
 * Returns 0 and sets *out, or -1. */
int xml_parse_number(const char *s, size_t n, double *out);

/* ISO 8601 date-time "YYYY-MM-DDThh:mm:ss[.fff...][Z|+hh:mm|-hh:mm|+hhmm|+hh]" (also ' ' for 'T')
 * to Unix seconds, fractional part kept. No zone means UTC. Returns 0 or -1 (malformed/out of range). */
int xml_parse_time(const char *s, size_t n, double *out);

/* Unix seconds -> "YYYY-MM-DDThh:mm:ss[.mmm]Z" (milliseconds only when not whole). Returns length. */
int xml_format_time(double t, char *out, size_t cap);

/* Character data of the element being collected, bounded (longer text is flagged, not grown). */
#define XML_TEXT_MAX 256
struct xml_text {
    char buf[XML_TEXT_MAX];
    size_t len;
    int on;       /* collecting */
    int overflow; /* text was longer than the buffer */
};
void xml_text_start(struct xml_text *t);
void xml_text_add(struct xml_text *t, const char *s, int len);
/* Stops collecting; returns the NUL-terminated text with surrounding white space removed. */
const char *xml_text_end(struct xml_text *t, size_t *len);

/* Per-file context shared by both readers. */
struct xml_ctx {
    XML_Parser p;
    const char *name;
    struct hr_err *e;
    int failed;       /* e holds an error of ours (out of memory, entity) and parsing was stopped */
    int stopped;      /* the sink asked to stop */
    long bad_values;  /* values treated as missing */
    size_t skipped;   /* leading bytes (BOM, white space) not given to expat */
    unsigned long skipped_lines;
};

/* Creates the parser (no namespace processing, entity declarations refused), with user data ud. */
int xml_ctx_init(struct xml_ctx *x, const char *name, struct hr_err *e, void *ud);
void xml_ctx_free(struct xml_ctx *x);
/* Parses the whole buffer. Returns 0, or -1 with e filled ("name: offset (line L): message"). A stop
 * requested by the sink returns 0. An empty or white-space-only buffer is the error "empty file". */
int xml_ctx_run(struct xml_ctx *x, const uint8_t *buf, size_t n);
/* Stops the parser with our own error "name: offset (line L): reason". */
void xml_ctx_fail(struct xml_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A field's text was not a usable number/time: counted; the first one per file is warned about. */
void xml_ctx_bad_value(struct xml_ctx *x, const char *field, const char *text);

/* Parse a field into a float/double; empty text -> NaN silently; garbage or outside [lo, hi] ->
 * NaN plus xml_ctx_bad_value. Returns the value (NaN when missing). */
double xml_field_number(struct xml_ctx *x, const char *field, const char *text, size_t len, double lo,
                        double hi);
double xml_field_time(struct xml_ctx *x, const char *field, const char *text, size_t len);

/* Plausible ranges; a value outside is taken as garbage (missing), not clamped. */
#define XML_HR_MIN 0.0
#define XML_HR_MAX 300.0
#define XML_SPEED_MAX 200.0    /* m/s */
#define XML_CAD_MAX 255.0      /* strides or revolutions per minute */
#define XML_DIST_MAX 1.0e8     /* m */
#define XML_ALT_MIN (-12000.0) /* m */
#define XML_ALT_MAX 20000.0

/* Hands finished workouts to the sink. Workouts are held back by one so that the source can be
 * numbered "name#N" (1-based) only when the file holds more than one; a lone one keeps "name". */
struct xml_emit {
    struct xml_ctx *x;
    workout_sink sink;
    void *ctx;
    struct workout held;
    int have_held;
    int count; /* workouts with at least one point so far */
};
void xml_emit_init(struct xml_emit *em, struct xml_ctx *x, workout_sink sink, void *ctx);
/* w is finished: swapped into the emitter (w comes back reset, keeping capacity). Workouts without
 * points are dropped. Stops the parser when the sink asks. */
void xml_emit_push(struct xml_emit *em, struct workout *w);
/* Emits the held workout (if any and not stopped). */
void xml_emit_finish(struct xml_emit *em);
void xml_emit_free(struct xml_emit *em);

/* Small helpers. */
int xml_streq(const char *a, const char *b); /* ASCII case-insensitive equality */
void xml_copy_str(char *dst, size_t cap, const char *src);
const char *xml_attr(const XML_Char **atts, const char *local); /* attribute by local name */

#endif
