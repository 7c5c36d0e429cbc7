/* workout.h — struct workout: the raw, irregular samples of one recorded activity (or one leg of a
 * multisport file) plus its metadata, as every reader produces it. Readers know nothing of features.
 * Units: seconds, metres, m/s, bpm, degrees. Missing values are NaN, never zero. */
#ifndef HRCAST_IO_WORKOUT_H
#define HRCAST_IO_WORKOUT_H
#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define WK_ATHLETE_LEN 64
#define WK_SPORT_LEN 32
#define WK_DEVICE_LEN 64
#define WK_SENSOR_LEN 16
#define WK_SOURCE_LEN 512
#define WK_TITLE_LEN 128 /* the activity's name; longer names are cut (on a UTF-8 character boundary) */

struct workout {
    size_t n, cap;
    double *time;   /* seconds; Unix epoch when the format has absolute time, else elapsed from 0 */
    float *hr;      /* bpm */
    float *speed;   /* m/s as recorded by the device (NaN if the format has none) */
    float *dist;    /* cumulative metres */
    double *lat;    /* degrees (WGS84) */
    double *lon;
    float *alt;     /* metres */
    float *cad;     /* steps per minute (both feet; FIT running cadence x 2), NaN when not recorded */
    uint8_t *hr_truth; /* simulated data only: the true HR artifact at this sample (enum hr_issue of
                        * io/hr_issue.h, 0 = none); all 0 in files that were read */
    uint8_t *hr_issue; /* hrcast's own exports only: the stored HR-quality verdict of this grid step
                        * (enum hr_issue); meaningful when has_hr_issue */
    double start_time;            /* Unix seconds; NAN when unknown */
    char athlete[WK_ATHLETE_LEN]; /* "" when the file carries none */
    char sport[WK_SPORT_LEN];     /* lower-case as found: "running", "run", "cycling", ... "" unknown */
    char gender;                  /* 'm', 'f' or 'u' */
    char device[WK_DEVICE_LEN];   /* "" when unknown */
    char hr_sensor[WK_SENSOR_LEN]; /* "strap" (external ANT+/BLE heart-rate sensor), "wrist" (the watch's
                                    * own optical sensor), "" when the file does not say */
    int has_hr_truth;             /* 1: hr_truth holds injected artifacts (hrcast simulate --artifacts) */
    int has_hr_issue;             /* 1: hr_issue holds the verdicts an hrcast export carried (csv column
                                   * hr_issue, jsonl "hr_issue", parquet hr_issue); prep keeps them when it
                                   * keeps the grid (grid_step), else assesses again */
    char source[WK_SOURCE_LEN];   /* path (and "#leg N" / "#line N" when one file holds several) */
    char title[WK_TITLE_LEN];     /* the activity's name as the runner set it ("Morning Run"): Strava's
                                   * activities.csv, GPX trk/name; "" when none */
    long long id;                 /* id from the file when it has one (FitRec), else -1 */
    int leg;                      /* multisport leg index, 0 for single-sport */
    float grid_step;              /* > 0: samples are already a cleaned uniform grid of this step
                                   * (hrcast's own Parquet export); prep then keeps them as they are */
    size_t max_n;                 /* the sample budget (limits.h max_samples); 0 = none. Readers set
                                   * it; workout_free and workout_reset keep it */
};

#define WK_OVER_LIMIT (-2) /* workout_push / workout_reserve: more than max_n samples */

void workout_init(struct workout *w);
void workout_free(struct workout *w);
/* Drop samples, keep capacity and reset metadata to unknown. */
void workout_reset(struct workout *w);
/* Append one sample at time t with every channel NaN; returns its index, -1 on out of memory, or
 * WK_OVER_LIMIT when the workout already holds max_n samples. */
long workout_push(struct workout *w, double t);
/* Reserve capacity for n samples: 0, -1 (out of memory) or WK_OVER_LIMIT (n > max_n; nothing
 * allocated). Capacity never grows past max_n. */
int workout_reserve(struct workout *w, size_t n);
/* Fill e for a failed push/reserve (rc = -1 or WK_OVER_LIMIT): "name: offset: reason" (offset < 0:
 * "name: reason"), the reason naming the sample limit and its flag. Returns -1. */
int workout_fail_grow(const struct workout *w, long rc, const char *name, long long offset, struct hr_err *e);
/* The reason alone, written into buf (cap bytes) and returned. */
const char *workout_grow_why(const struct workout *w, long rc, char *buf, size_t cap);
/* Move the samples and metadata of src into dst (dst freed first); src is left empty, keeping its
 * max_n. Lets a sink keep a workout without copying it when it then stops the reader. */
void workout_take(struct workout *dst, struct workout *src);
/* Deep copy of src (samples and metadata) into dst, which must be initialised; 0 or -1 (out of memory). */
int workout_copy(struct workout *dst, const struct workout *src);
/* Count of samples whose channel is not NaN (channel: pointer to one of the arrays). */
size_t workout_count_float(const struct workout *w, const float *channel);
/* Copy a title into w->title: cut to WK_TITLE_LEN - 1 bytes without splitting a UTF-8 character,
 * control characters (newline, tab, ...) replaced by spaces, outer spaces trimmed. */
void workout_set_title(struct workout *w, const char *title);
/* Lower-case copy of a sport name into w->sport. */
void workout_set_sport(struct workout *w, const char *sport);
/* True when the sport name means running (run, running, trail_running, treadmill, "Running", ...). */
int sport_is_running(const char *sport);

/* A reader hands each finished workout to a sink. The sink may keep nothing it does not copy, except
 * that a sink returning non-zero may first move the workout out with workout_take (readers touch a
 * workout only to free it after a stop); return 0 to go on, non-zero to stop the reader. */
typedef int (*workout_sink)(void *ctx, struct workout *w);

#endif
