/* so_far.h — race re-planning (`hrcast plan --so-far PARTIAL.fit`): the part of the race already run is
 * pushed into a live stream (model/stream.h) and its recorded HR calibrates the model (eval/calibrate.h:
 * the offset of the HR so far, with its warm-up and prior strength); the planner then scores plans for
 * the rest of the course as forecasts that continue the stream (the model's state after the part run,
 * not a fresh start) shifted by that offset, which fades as the trust says. Also the rest of a course from a distance on. */
#ifndef HRCAST_PLAN_SO_FAR_H
#define HRCAST_PLAN_SO_FAR_H
#include "eval/calibrate.h"
#include "model/predictor.h"
#include "plan/course.h"
#include "prep/series.h"
#include "util/err.h"

struct hr_stream;

struct plan_so_far {
    struct hr_stream *st;    /* the part run, pushed step by step */
    int steps;               /* its grid steps */
    double elapsed_s;        /* the time now: the recording's last sample (its raw duration), at most a step
                              * after the last grid step; the forecast's first step is one step after that */
    float step_s;            /* the grid step */
    double dist_m;           /* distance covered up to now (each grid step's speed up to the next, the last
                              * one's up to elapsed_s) */
    float last_alt;          /* altitude of the last step (NaN: none recorded) */
    float offset;            /* bpm added to the forecast at its start, then faded by the trust (0 when the
                              * window is not trusted) */
    int hr_steps;            /* steps with recorded HR in the calibration window */
    int offset_steps;        /* of them, those the trust counts (calib_offset_steps; 0: not calibrated) */
    double mae_uncal, mae_cal; /* over the steps after the warm-up: in-sample, for the log only */
    struct calib_trust trust;
    char source[256];
};

/* The first workout of path on the model's grid (load_runs); gender/athlete as for the plan. Refuses a
 * recording without HR, one too short to calibrate (under 2 minutes) and one longer than 48 h. */
int plan_so_far_load(const struct predictor *p, const char *path, char gender, const char *athlete,
                     const struct calib_trust *trust, struct plan_so_far *sf, struct hr_err *e);
/* The same from a series already on p's grid (the tests use it). */
int plan_so_far_from_series(const struct predictor *p, const struct series *s, const struct calib_trust *trust,
                            struct plan_so_far *sf, struct hr_err *e);
void plan_so_far_free(struct plan_so_far *sf);

/* Forecast n planned steps after the part run (speed m/s; alt m or NULL: flat at the last altitude), with
 * the calibration offset added, faded as the trust says (calib_shift). */
int plan_so_far_forecast(struct plan_so_far *sf, const float *speed, const float *alt, int n, float *hr,
                         struct hr_err *e);

/* The course from from_m to its end, its altitude shifted so that it starts at start_alt (NaN: not
 * shifted), so that the forecast sees no step between the recorded and the course altitude. Fails when
 * less than PLAN_COURSE_MIN_M is left. */
int plan_course_rest(const struct plan_course *c, double from_m, float start_alt, struct plan_course *out,
                     struct hr_err *e);

#endif
