/* utf8.h — cutting UTF-8 text to a byte budget without splitting a character: one rule for the names
 * that hrcast keeps in fixed-size fields (athlete ids, devices, XML text) so that what it writes back
 * (JSON, CSV, Parquet) stays valid UTF-8. Bytes are not validated: a stray byte counts as one character. */
#ifndef HRCAST_UTIL_UTF8_H
#define HRCAST_UTIL_UTF8_H
#include <stddef.h>

/* Bytes of the character that starts at p (1-4, never past end; 1 for a stray continuation byte). */
size_t utf8_char_len(const char *p, const char *end);
/* Length of the longest prefix of s (n bytes) of at most max bytes that ends on a character boundary. */
size_t utf8_prefix_len(const char *s, size_t n, size_t max);
/* Copy the NUL-terminated src into dst (cap > 0 bytes) cut by utf8_prefix_len to cap - 1 bytes;
 * returns 1 when src was cut, else 0. */
int utf8_copy(char *dst, size_t cap, const char *src);

#endif
