/* idtable.c — see idtable.h. */
#include "util/idtable.h"
#include <stdlib.h>
#include <string.h>

int idtable_find(const void *base, int n, size_t rec, const char *id, int *pos)
{
    const char *b = base;
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) / 2, c = strcmp(b + (size_t)mid * rec, id);
        if (c == 0) {
            *pos = mid;
            return 1;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *pos = lo;
    return 0;
}

void *idtable_insert(void **base, int *n, size_t rec, size_t id_cap, const char *id)
{
    int pos;
    idtable_find(*base, *n, rec, id, &pos);
    char *nb = realloc(*base, (size_t)(*n + 1) * rec);
    if (!nb)
        return NULL;
    *base = nb;
    memmove(nb + (size_t)(pos + 1) * rec, nb + (size_t)pos * rec, (size_t)(*n - pos) * rec);
    char *r = nb + (size_t)pos * rec;
    memset(r, 0, rec);
    strncpy(r, id, id_cap - 1);
    (*n)++;
    return r;
}
