/* log.c — stderr logger with a level (see log.h). */
#include "util/log.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum hr_log_level g_level = HR_LOG_INFO;

void hr_log_set_level(enum hr_log_level level) { g_level = level; }
enum hr_log_level hr_log_get_level(void) { return g_level; }

static void vlog(enum hr_log_level lvl, const char *prefix, const char *fmt, va_list ap)
{
    if (g_level < lvl)
        return;
    fputs(prefix, stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

static _Thread_local char *keep_buf;
static _Thread_local size_t keep_cap;

void hr_warn_keep(char *buf, size_t cap)
{
    keep_buf = cap ? buf : NULL;
    keep_cap = cap;
    if (keep_buf)
        keep_buf[0] = '\0';
}

void hr_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (keep_buf) {
        size_t used = strlen(keep_buf);
        if (used + 2 < keep_cap) {
            va_list copy;
            va_copy(copy, ap);
            vsnprintf(keep_buf + used, keep_cap - used - 1, fmt, copy);
            va_end(copy);
            used = strlen(keep_buf);
            keep_buf[used] = '\n';
            keep_buf[used + 1] = '\0';
        }
    }
    vlog(HR_LOG_WARN, "warning: ", fmt, ap);
    va_end(ap);
}

void hr_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(HR_LOG_INFO, "", fmt, ap);
    va_end(ap);
}

void hr_debug(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(HR_LOG_DEBUG, "debug: ", fmt, ap);
    va_end(ap);
}
