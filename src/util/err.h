/* err.h — the error convention of the whole library.
 * Functions return 0 on success and a negative value on failure, filling a caller-supplied
 * struct hr_err with one line "file: offset: reason" (or "file: reason"). No exit() in the library. */
#ifndef HRCAST_UTIL_ERR_H
#define HRCAST_UTIL_ERR_H
#include <stddef.h>

#define HR_ERR_MSG 512

struct hr_err {
    char msg[HR_ERR_MSG];
};

/* Format the message (printf style) into e (if non-NULL); always returns -1. */
int hr_fail(struct hr_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "path: offset: reason" convenience. */
int hr_fail_at(struct hr_err *e, const char *path, long long offset, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void hr_err_clear(struct hr_err *e);

#endif
