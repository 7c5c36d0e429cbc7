/* live.h — the calibrated view of POST /api/predict?calibrate=S ("use my heart rate for the first N
 * minutes"): the query value checked (a refusal names the reason: 400), and a finished prediction
 * calibrated on its recorded HR over the window with eval/calibrate.h (the model's default trust, as
 * `hrcast predict --calibrate`): the forecast after the window, and the MAE after the window calibrated and
 * uncalibrated on the same steps. */
#ifndef HRCAST_SERVE_LIVE_H
#define HRCAST_SERVE_LIVE_H
#include <stddef.h>
#include "serve/predict.h"
#include "serve/sbuf.h"

#define SERVE_CALIB_MIN_S 60.0f     /* shorter windows are refused */
#define SERVE_CALIB_MAX_S 21600.0f  /* 6 h */

/* "600", "600s", "10m" -> seconds in [SERVE_CALIB_MIN_S, SERVE_CALIB_MAX_S]; 0, or -1 with the reason in why. */
int serve_calib_param(const char *text, float *window_s, char *why, size_t cap);
/* Fills res's calibration (res->calib_s etc.) with the trust t (the model's default: calib_default_trust);
 * returns 200, or 400 with {"error": reason} in err (no recorded HR in the window, a window not shorter than
 * the run), 500 when out of memory. */
int serve_predict_calibrate(struct predict_result *res, float window_s, const struct calib_trust *t,
                            struct sbuf *err);

#endif
