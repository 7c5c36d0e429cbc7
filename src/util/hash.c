/* hash.c — see hash.h. */
#include "util/hash.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

uint64_t fnv1a64(uint64_t h, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

int fnv1a64_file(const char *path, uint64_t *out, struct hr_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return hr_fail(e, "%s: cannot open: %s", path, strerror(errno));
    uint8_t buf[1 << 16];
    uint64_t h = FNV1A64_INIT;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = fnv1a64(h, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return hr_fail(e, "%s: read error", path);
    *out = h;
    return 0;
}

void fnv1a64_format(uint64_t h, char *buf, size_t cap)
{
    snprintf(buf, cap, "fnv1a64:%016llx", (unsigned long long)h);
}
