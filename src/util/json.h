/* json.h — a small JSON DOM parser (limits on depth and size, errors with byte offsets),
 * lookup helpers, and a streaming writer (struct jw) to a growable buffer or a FILE*.
 * Strings are UTF-8, NUL-terminated (an embedded \u0000 is kept; str_len is the true length). */
#ifndef HRCAST_UTIL_JSON_H
#define HRCAST_UTIL_JSON_H
#include <stddef.h>
#include <stdio.h>
#include "util/err.h"

enum json_type { JSON_NULL = 0, JSON_BOOL, JSON_NUM, JSON_STR, JSON_ARR, JSON_OBJ };

struct json {
    enum json_type type;
    int boolean;        /* JSON_BOOL */
    double num;         /* JSON_NUM */
    char *str;          /* JSON_STR */
    size_t str_len;
    char *key;          /* member name when this value sits in an object, else NULL */
    struct json *items; /* JSON_ARR / JSON_OBJ children (object members in file order) */
    size_t n;
};

#define JSON_MAX_DEPTH 64
#define JSON_MAX_INPUT ((size_t)256 << 20)

/* Parse len bytes (need not be NUL-terminated). name labels errors ("name: offset: reason").
 * Duplicate object keys are an error. *out is freed with json_free. */
int json_parse(const char *src, size_t len, const char *name, struct json **out, struct hr_err *e);
void json_free(struct json *j);
/* Decode the one escape at p (p[0] == '\\') of a JSON string's text that ends at end: \" \\ \/ \b \f \n
 * \r \t and \uXXXX (a surrogate pair as one character) as 1-4 bytes of UTF-8 into out, their count in
 * *out_n. Returns the raw bytes used (2, 6 or 12), or 0 with *why set. json_parse decodes with it, and so
 * do the text readers that meet JSON strings outside a DOM (io/text_util.c). */
size_t json_escape_decode(const char *p, const char *end, char out[4], size_t *out_n, const char **why);

/* Lookups: all accept NULL and return NULL / the default on a missing key or a wrong type. */
const struct json *json_get(const struct json *obj, const char *key);
double json_num(const struct json *j, double dflt);
const char *json_str(const struct json *j, const char *dflt);
int json_bool(const struct json *j, int dflt);
size_t json_len(const struct json *arr_or_obj); /* 0 for scalars */
const struct json *json_at(const struct json *arr_or_obj, size_t i);
/* Shorthand: json_num(json_get(obj, key), dflt), json_str(json_get(obj, key), dflt). */
double json_get_num(const struct json *obj, const char *key, double dflt);
const char *json_get_str(const struct json *obj, const char *key, const char *dflt);
/* Iterate over array items or object members: json_foreach(it, arr) { it->key, json_num(it, 0) } */
#define json_foreach(it, arr) \
    for (const struct json *it = (arr) && (arr)->n ? (arr)->items : NULL; \
         it && it < (arr)->items + (arr)->n; it++)

/* Streaming writer. Commas and nesting are handled; pretty=1 indents by two spaces. */
#define JW_MAX_DEPTH 64
struct jw {
    FILE *f;       /* when non-NULL, output goes here; else to buf */
    char *buf;     /* growable, NUL-terminated */
    size_t len, cap;
    int depth;
    int pretty;
    int err;       /* sticky: out of memory, write error, depth overflow */
    unsigned char count[JW_MAX_DEPTH + 1]; /* items so far at each depth (saturating) */
    int after_key;
};
void jw_init_buf(struct jw *w, int pretty);
void jw_init_file(struct jw *w, FILE *f, int pretty);
void jw_obj_begin(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr_begin(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_str(struct jw *w, const char *s);              /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t n);
void jw_num(struct jw *w, double v);                   /* shortest round-trip; NaN/inf -> null */
/* The shortest decimal that reads back as the same float (0.95, not 0.949999988079071), for jw_num. */
double json_float_decimal(float v);
void jw_int(struct jw *w, long long v);
void jw_bool(struct jw *w, int v);
void jw_null(struct jw *w);
void jw_raw(struct jw *w, const char *json_text);      /* an already valid JSON value */
void jw_value(struct jw *w, const struct json *v);     /* a parsed value written back (NULL writes null) */
/* Convenience: key + value. */
void jw_kv_str(struct jw *w, const char *key, const char *s);
void jw_kv_num(struct jw *w, const char *key, double v);
void jw_kv_int(struct jw *w, const char *key, long long v);
void jw_kv_bool(struct jw *w, const char *key, int v);
/* Buffer mode: hands the NUL-terminated text to the caller (free()), or NULL on error. */
char *jw_take(struct jw *w, size_t *len);
void jw_free(struct jw *w);
/* 0 when everything was written, -1 otherwise. */
int jw_status(const struct jw *w);

#endif
