/* log.c — stderr logger with a level (see log.h). */
#include "util/log.h"
#include <stdarg.h>
#include <stdio.h>

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

void hr_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
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
