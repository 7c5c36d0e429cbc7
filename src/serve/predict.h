/* predict.h — the body of POST /api/predict, independent of HTTP: request bytes (multipart upload,
 * raw file of any importable format, or our JSON) -> workout -> grid series -> predictor -> a result
 * that serve/result_json.h writes out piece by piece. Used by the server and directly by the unit tests. */
#ifndef HRCAST_SERVE_PREDICT_H
#define HRCAST_SERVE_PREDICT_H
#include <stddef.h>
#include <stdint.h>
#include "eval/calibrate.h"
#include "io/limits.h"
#include "model/predictor.h"
#include "model/recent_form.h"
#include "prep/series.h"
#include "serve/sbuf.h"

/* The upload size whose limits apply when the caller gives none (the server's default --max-upload). */
#define SERVE_PREDICT_DEFAULT_UPLOAD ((size_t)20 << 20)

/* A finished prediction: the grid series and the predicted HR, owned here. */
struct predict_result {
    struct series s;
    float *buf;                      /* one block holding hr, sigma, actual */
    float *hr, *sigma, *actual;      /* sigma NULL when the model has none; actual NaN where not recorded */
    const char *model_kind, *format; /* static strings */
    char name[128];                  /* the upload's display name */
    /* ?calibrate=S (serve/live.h): hr_cal NULL without it; else the window, its steps, the offset added
     * after it, and the MAE over the steps after it, calibrated and not, with their count */
    float *hr_cal;
    struct calib_trust calib_trust; /* the trust used: the model's default (calib_default_trust) */
    float calib_s, calib_offset;
    int calib_steps, calib_after_steps, calib_offset_steps; /* the last: the window's steps with HR that the
                                                              * trust counts (0: not calibrated, warned) */
    double calib_mae, calib_mae_uncal;
    /* the runner's earlier runs sent with the upload (form field "recent", serve/recent.h): recent_files 0
     * without them; else what they changed in hr and sigma (model/recent_form.h) */
    int recent_files;
    struct form_use recent;
    char warnings[1024]; /* what reading the upload warned about, one per line ("" none; hr_warn_keep) */
};

/* Runs one prediction. Returns the HTTP status: 200 with res filled (free it with
 * predict_result_free), else with {"error": reason} in err_out: 400 for unusable input, 413 when the
 * input exceeds one of the limits in lim (inflated bytes, samples, Parquet pages or footer: the reason
 * names the limit), 500 for internal failures. Every budget in lim is checked before allocation, so a
 * refused request costs about lim->max_inflate bytes at most. lim NULL:
 * hr_limits_for_upload(SERVE_PREDICT_DEFAULT_UPLOAD); the server passes those of its --max-upload.
 * content_type may be NULL. Never writes to disk. */
int serve_predict_run(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                      const struct hr_limits *lim, struct predict_result *res, struct sbuf *err_out);
/* The same for the workout-th workout of the file (1-based; ?workout=N), or, workout 0, the longest running one
 * (serve_predict_run); a file of several says so in res->warnings: how many, which was predicted. */
int serve_predict_run_workout(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                              const struct hr_limits *lim, int workout, struct predict_result *res,
                              struct sbuf *err_out);
void predict_result_free(struct predict_result *r);

/* serve_predict_run + the whole response JSON into out (tests, small results); lim as above. */
int serve_predict_limited(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                          const struct hr_limits *lim, struct sbuf *out);
/* serve_predict_limited with the default limits. */
int serve_predict(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                  struct sbuf *out);
/* {"error": msg} */
void serve_error_json(struct sbuf *out, const char *msg);

#endif
