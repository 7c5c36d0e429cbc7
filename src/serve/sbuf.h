/* sbuf.h — a growable byte buffer for building HTTP response bodies, with the few JSON writing
 * helpers the server needs (string escaping, numbers with NaN as null, float arrays).
 * It stays separate from util/json.h's writer on purpose: responses carry thousands of floats, written
 * here with a fixed number of decimals (src/util/json.h writes shortest round-trip, about 2x larger). */
#ifndef HRCAST_SERVE_SBUF_H
#define HRCAST_SERVE_SBUF_H
#include <stddef.h>

struct sbuf {
    char *p;
    size_t n, cap;
    int oom; /* set once an allocation failed; later appends are ignored */
};

void sbuf_init(struct sbuf *b);
void sbuf_free(struct sbuf *b);
void sbuf_put(struct sbuf *b, const void *data, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand the bytes over (NUL-terminated); the buffer is left empty. NULL when out of memory. */
char *sbuf_take(struct sbuf *b, size_t *len);

/* JSON: a quoted, escaped string (invalid UTF-8 bytes become U+FFFD). */
void sb_json_str(struct sbuf *b, const char *s);
/* JSON number with printf precision `prec` significant digits; NaN/inf become null. */
void sb_json_num(struct sbuf *b, double v, int prec);
/* JSON array of n floats, `decimals` digits after the point; NaN becomes null. */
void sb_json_floats(struct sbuf *b, const float *v, int n, int decimals);
/* Elements [from, to) of such an array, without the brackets (a comma before each but element 0). */
void sb_json_floats_part(struct sbuf *b, const float *v, int from, int to, int decimals);

#endif
