/* utf8.h — cutting UTF-8 text to a byte budget without splitting a character: one rule for the names
 * that hrcast keeps in fixed-size fields (athlete ids, devices, XML and CSV text) so that what it writes
 * back (JSON, CSV, Parquet) stays valid UTF-8. Bytes are not validated: a stray byte counts as one character. */
#ifndef HRCAST_UTIL_UTF8_H
#define HRCAST_UTIL_UTF8_H
#include <stddef.h>

/* Bytes of the character that starts at p (1-4, never past end; 1 for a stray continuation byte). */
size_t utf8_char_len(const char *p, const char *end);
/* s[0, k) is text cut before the byte next of the uncut text: the length without the partial character
 * at its end when next continues one (k itself when next starts a character or is the end). */
size_t utf8_cut_back(const char *s, size_t k, char next);
/* Copy the NUL-terminated src into dst (cap > 0 bytes), cut to at most cap - 1 bytes on a character
 * boundary; returns 1 when src was cut, else 0. */
int utf8_copy(char *dst, size_t cap, const char *src);

#endif
