/* workout.c — growable storage for struct workout (see workout.h). */
#include "io/workout.h"
#include "util/utf8.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void workout_init(struct workout *w)
{
    memset(w, 0, sizeof *w);
    w->start_time = NAN;
    w->gender = 'u';
    w->id = -1;
    w->grid_step = 0;
}

void workout_free(struct workout *w)
{
    size_t max_n = w->max_n;
    free(w->time);
    free(w->hr);
    free(w->speed);
    free(w->dist);
    free(w->lat);
    free(w->lon);
    free(w->alt);
    free(w->cad);
    free(w->hr_truth);
    free(w->hr_issue);
    workout_init(w);
    w->max_n = max_n;
}

void workout_reset(struct workout *w)
{
    w->n = 0;
    w->start_time = NAN;
    w->athlete[0] = w->sport[0] = w->device[0] = w->source[0] = w->hr_sensor[0] = w->title[0] = '\0';
    w->has_hr_truth = 0;
    w->has_hr_issue = 0;
    w->gender = 'u';
    w->id = -1;
    w->leg = 0;
    w->grid_step = 0;
}

int workout_reserve(struct workout *w, size_t n)
{
    if (n <= w->cap)
        return 0;
    if (w->max_n && n > w->max_n)
        return WK_OVER_LIMIT;
    size_t cap = w->cap ? w->cap : 256;
    while (cap < n)
        cap *= 2;
    if (w->max_n && cap > w->max_n)
        cap = w->max_n; /* no doubling past the budget */
#define GROW(field)                                                  \
    do {                                                             \
        void *p = realloc(w->field, cap * sizeof *w->field);         \
        if (!p)                                                      \
            return -1;                                               \
        w->field = p;                                                \
    } while (0)
    GROW(time);
    GROW(hr);
    GROW(speed);
    GROW(dist);
    GROW(lat);
    GROW(lon);
    GROW(alt);
    GROW(cad);
    GROW(hr_truth);
    GROW(hr_issue);
#undef GROW
    w->cap = cap;
    return 0;
}

long workout_push(struct workout *w, double t)
{
    if (w->n == w->cap) {
        int rc = workout_reserve(w, w->n + 1);
        if (rc)
            return rc;
    }
    size_t i = w->n++;
    w->time[i] = t;
    w->hr[i] = w->speed[i] = w->dist[i] = w->alt[i] = NAN;
    w->lat[i] = w->lon[i] = NAN;
    w->cad[i] = NAN;
    w->hr_truth[i] = 0;
    w->hr_issue[i] = 0;
    return (long)i;
}

int workout_fail_grow(const struct workout *w, long rc, const char *name, long long offset, struct hr_err *e)
{
    char why[160];
    workout_grow_why(w, rc, why, sizeof why);
    if (offset < 0)
        return hr_fail(e, "%s: %s", name, why);
    return hr_fail_at(e, name, offset, "%s", why);
}

const char *workout_grow_why(const struct workout *w, long rc, char *buf, size_t cap)
{
    if (rc == WK_OVER_LIMIT)
        snprintf(buf, cap, "more than %zu samples in one workout: exceeds the %zu-sample limit (--max-samples)",
                 w->max_n, w->max_n);
    else
        snprintf(buf, cap, "out of memory for %zu samples", w->n + 1);
    return buf;
}

void workout_take(struct workout *dst, struct workout *src)
{
    workout_free(dst);
    size_t max_n = src->max_n;
    *dst = *src;
    workout_init(src);
    src->max_n = max_n;
}

int workout_copy(struct workout *dst, const struct workout *src)
{
    if (workout_reserve(dst, src->n ? src->n : 1))
        return -1;
    size_t n = src->n;
    memcpy(dst->time, src->time, n * sizeof *dst->time);
    memcpy(dst->hr, src->hr, n * sizeof *dst->hr);
    memcpy(dst->speed, src->speed, n * sizeof *dst->speed);
    memcpy(dst->dist, src->dist, n * sizeof *dst->dist);
    memcpy(dst->lat, src->lat, n * sizeof *dst->lat);
    memcpy(dst->lon, src->lon, n * sizeof *dst->lon);
    memcpy(dst->alt, src->alt, n * sizeof *dst->alt);
    memcpy(dst->cad, src->cad, n * sizeof *dst->cad);
    memcpy(dst->hr_truth, src->hr_truth, n * sizeof *dst->hr_truth);
    memcpy(dst->hr_issue, src->hr_issue, n * sizeof *dst->hr_issue);
    /* the metadata: every member after the sample arrays, copied as a whole */
    size_t cap = dst->cap;
    double *time = dst->time, *lat = dst->lat, *lon = dst->lon;
    float *hr = dst->hr, *speed = dst->speed, *dist = dst->dist, *alt = dst->alt, *cad = dst->cad;
    uint8_t *hr_truth = dst->hr_truth, *hr_issue = dst->hr_issue;
    *dst = *src;
    dst->cad = cad;
    dst->hr_truth = hr_truth;
    dst->hr_issue = hr_issue;
    dst->cap = cap;
    dst->time = time;
    dst->lat = lat;
    dst->lon = lon;
    dst->hr = hr;
    dst->speed = speed;
    dst->dist = dist;
    dst->alt = alt;
    return 0;
}

size_t workout_count_float(const struct workout *w, const float *channel)
{
    size_t c = 0;
    for (size_t i = 0; i < w->n; i++)
        c += !isnan(channel[i]);
    return c;
}

void workout_set_title(struct workout *w, const char *title)
{
    while (*title && (*title == ' ' || (unsigned char)*title < 0x20))
        title++;
    size_t k = 0;
    for (; title[k] && k + 1 < sizeof w->title; k++)
        w->title[k] = (unsigned char)title[k] < 0x20 || title[k] == 0x7f ? ' ' : title[k];
    k = utf8_cut_back(title, k, title[k]); /* cut: no character is split */
    while (k > 0 && w->title[k - 1] == ' ')
        k--;
    w->title[k] = '\0';
}

void workout_set_sport(struct workout *w, const char *sport)
{
    size_t i = 0;
    for (; sport[i] && i + 1 < sizeof w->sport; i++)
        w->sport[i] = (char)tolower((unsigned char)sport[i]);
    w->sport[i] = '\0';
}

int sport_is_running(const char *sport)
{
    char s[WK_SPORT_LEN];
    size_t i = 0;
    for (; sport[i] && i + 1 < sizeof s; i++)
        s[i] = (char)tolower((unsigned char)sport[i]);
    s[i] = '\0';
    return strstr(s, "run") != NULL || strstr(s, "treadmill") != NULL || strcmp(s, "jogging") == 0;
}
