/* multipart.h — finds the uploaded file in a multipart/form-data body held in memory (RFC 7578).
 * Only what the upload form needs: the first part that has a filename (else the first part named
 * "file"). Points into the body; copies nothing. */
#ifndef HRCAST_SERVE_MULTIPART_H
#define HRCAST_SERVE_MULTIPART_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

struct multipart_file {
    const uint8_t *data;
    size_t len;
    char filename[128]; /* "" when the part had none */
};

/* Boundary from a Content-Type header value; 0 or -1 when absent/invalid. */
int multipart_boundary(const char *content_type, char *out, size_t cap);
int multipart_find_file(const uint8_t *body, size_t n, const char *boundary, struct multipart_file *f,
                        struct hr_err *e);

#endif
