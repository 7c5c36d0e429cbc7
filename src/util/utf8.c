/* utf8.c — see utf8.h. */
#include "util/utf8.h"
#include <string.h>

static int is_cont(char c) { return ((unsigned char)c & 0xC0) == 0x80; }

size_t utf8_char_len(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    size_t want = c >= 0xF8 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    size_t k = 1;
    while (k < want && p + k < end && is_cont(p[k]))
        k++;
    return k;
}

size_t utf8_cut_back(const char *s, size_t k, char next)
{
    if (!is_cont(next))
        return k;
    while (k > 0 && is_cont(s[k - 1]))
        k--;
    return k > 0 ? k - 1 : 0; /* the lead byte of the cut character goes too */
}

int utf8_copy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src), k = n < cap - 1 ? n : cap - 1;
    k = utf8_cut_back(src, k, src[k]);
    memmove(dst, src, k);
    dst[k] = '\0';
    return k < n;
}
