/* png.h — encoding a canvas as an RGBA PNG with libspng, written atomically. */
#ifndef HRCAST_REPORT_PNG_H
#define HRCAST_REPORT_PNG_H
#include <stddef.h>
#include <stdint.h>
#include "report/canvas.h"
#include "util/err.h"

/* Encode to a malloc'ed PNG buffer. */
int png_encode(const struct canvas *c, void **out, size_t *len, struct hr_err *e);
/* Encode and write path atomically. */
int png_write(const struct canvas *c, const char *path, struct hr_err *e);

#endif
