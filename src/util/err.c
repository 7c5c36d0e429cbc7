/* err.c — fills struct hr_err messages (see err.h). */
#include "util/err.h"
#include <stdarg.h>
#include <stdio.h>

int hr_fail(struct hr_err *e, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int hr_fail_at(struct hr_err *e, const char *path, long long offset, const char *fmt, ...)
{
    if (e) {
        char reason[HR_ERR_MSG];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason, sizeof reason, fmt, ap);
        va_end(ap);
        snprintf(e->msg, sizeof e->msg, "%s: %lld: %s", path ? path : "<input>", offset, reason);
    }
    return -1;
}

void hr_err_clear(struct hr_err *e)
{
    if (e)
        e->msg[0] = '\0';
}
