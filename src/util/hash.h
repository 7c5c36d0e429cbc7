/* hash.h — FNV-1a 64: a small, stable, non-cryptographic fingerprint used to identify datasets
 * (src/data/dataset_id.c) and model files (eval's metrics.json, `hrcast card --metrics`). It tells
 * files apart; it does not protect against someone forging a match. */
#ifndef HRCAST_UTIL_HASH_H
#define HRCAST_UTIL_HASH_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define FNV1A64_INIT 0xcbf29ce484222325ull

uint64_t fnv1a64(uint64_t h, const void *data, size_t n);
/* The fingerprint of a whole file's bytes (read in blocks, no size limit). */
int fnv1a64_file(const char *path, uint64_t *out, struct hr_err *e);
/* "fnv1a64:%016llx" into buf (at least 25 bytes). */
void fnv1a64_format(uint64_t h, char *buf, size_t cap);

#endif
