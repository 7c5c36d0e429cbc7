/* utf8.c — see utf8.h. */
#include "util/utf8.h"
#include <string.h>

size_t utf8_char_len(const char *p, const char *end)
{
    unsigned char c = (unsigned char)*p;
    size_t want = c >= 0xF8 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    size_t k = 1;
    while (k < want && p + k < end && ((unsigned char)p[k] & 0xC0) == 0x80)
        k++;
    return k;
}

size_t utf8_prefix_len(const char *s, size_t n, size_t max)
{
    size_t k = 0;
    while (k < n) {
        size_t c = utf8_char_len(s + k, s + n);
        if (k + c > max)
            break;
        k += c;
    }
    return k;
}

int utf8_copy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src), k = utf8_prefix_len(src, n, cap - 1);
    memmove(dst, src, k);
    dst[k] = '\0';
    return k < n;
}
