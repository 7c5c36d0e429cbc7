/* progress.c — terminal progress bar with rate and ETA (see progress.h). */
#include "util/progress.h"
#include "util/log.h"
#include <stdio.h>
#include <time.h>
#include <unistd.h>

double hr_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void progress_begin(struct progress *p, const char *label, double total)
{
    p->label = label;
    p->total = total;
    p->start_time = hr_now_seconds();
    p->last_draw = 0;
    p->enabled = isatty(2) && hr_log_get_level() >= HR_LOG_INFO;
}

static void fmt_duration(char *buf, size_t n, double s)
{
    if (s < 0 || s > 1e7)
        snprintf(buf, n, "--:--");
    else if (s >= 3600)
        snprintf(buf, n, "%d:%02d:%02d", (int)(s / 3600), (int)(s / 60) % 60, (int)s % 60);
    else
        snprintf(buf, n, "%02d:%02d", (int)(s / 60), (int)s % 60);
}

void progress_update(struct progress *p, double done, const char *extra)
{
    if (!p->enabled)
        return;
    double now = hr_now_seconds();
    if (now - p->last_draw < 0.1 && done < p->total)
        return;
    p->last_draw = now;
    double frac = p->total > 0 ? done / p->total : 0;
    if (frac > 1)
        frac = 1;
    double elapsed = now - p->start_time;
    double eta = frac > 0 ? elapsed * (1 - frac) / frac : -1;
    char el[16], et[16];
    fmt_duration(el, sizeof el, elapsed);
    fmt_duration(et, sizeof et, eta);
    int width = 30, fill = (int)(frac * width);
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r%s [%s] %5.1f%% %s<%s %s\033[K", p->label, bar, frac * 100, el, et,
            extra ? extra : "");
    fflush(stderr);
}

void progress_end(struct progress *p)
{
    if (!p->enabled)
        return;
    p->last_draw = 0;
    progress_update(p, p->total, NULL);
    fputc('\n', stderr);
}
