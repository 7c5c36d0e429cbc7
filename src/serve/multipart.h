/* multipart.h — finds the uploaded files in a multipart/form-data body held in memory (RFC 7578).
 * Only what the upload form needs: the workout (the first part that has a filename and is not named
 * "recent", else the first part named "file") and the runner's earlier runs (the parts named "recent").
 * Points into the body; copies nothing. */
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
/* The form field of the runner's earlier runs (docs/features.md, "Recent form"; limits in docs/security.md). */
#define MULTIPART_RECENT_FIELD "recent"
/* Every non-empty part named `field`, in order, into out[0..max) and *count; more than max: -1 with e. */
int multipart_find_all(const uint8_t *body, size_t n, const char *boundary, const char *field,
                       struct multipart_file *out, int max, int *count, struct hr_err *e);

#endif
