/* log.h — the logger: the one piece of global mutable state. Human messages go to stderr. */
#ifndef HRCAST_UTIL_LOG_H
#define HRCAST_UTIL_LOG_H

enum hr_log_level { HR_LOG_QUIET = 0, HR_LOG_WARN = 1, HR_LOG_INFO = 2, HR_LOG_DEBUG = 3 };

void hr_log_set_level(enum hr_log_level level);
enum hr_log_level hr_log_get_level(void);
void hr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
