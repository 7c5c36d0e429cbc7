/* log.h — the logger: the one piece of global mutable state. Human messages go to stderr. */
#ifndef HRCAST_UTIL_LOG_H
#define HRCAST_UTIL_LOG_H
#include <stddef.h>

enum hr_log_level { HR_LOG_QUIET = 0, HR_LOG_WARN = 1, HR_LOG_INFO = 2, HR_LOG_DEBUG = 3 };

void hr_log_set_level(enum hr_log_level level);
enum hr_log_level hr_log_get_level(void);
void hr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* While buf is set, each warning of the calling thread is also appended to it, one per line, without the
 * "warning: " prefix (cut when full, always NUL-terminated), whatever the level: the server gives a
 * reader's warnings (a FIT file cut short) back with its answer. NULL stops keeping them. */
void hr_warn_keep(char *buf, size_t cap);

#endif
