/* idtable.h — a table of records sorted by an id string, each record starting with its id
 * (char id[ID_CAP]), such as the per-athlete parameters of a model: binary search and sorted insertion
 * into a malloc'ed array. Used by model/physio.c and model/blend.c. */
#ifndef HRCAST_UTIL_IDTABLE_H
#define HRCAST_UTIL_IDTABLE_H
#include <stddef.h>

/* 1 and *pos = its index when id is in the n records of size rec at base, else 0 and *pos = where it
 * would go. */
int idtable_find(const void *base, int n, size_t rec, const char *id, int *pos);
/* A zeroed record with id (truncated to id_cap - 1 bytes) inserted at its place in *base (realloc'ed; *n
 * grows by one); returns it, or NULL on out of memory (the table unchanged). */
void *idtable_insert(void **base, int *n, size_t rec, size_t id_cap, const char *id);

#endif
