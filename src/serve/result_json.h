/* result_json.h — the response JSON of POST /api/predict, written piece by piece so that a large
 * result is streamed to the client (a few KiB at a time) instead of being built whole in memory:
 * {"name","format","model","step","n","time":[..],"speed","altitude","grade","hr_predicted",
 *  "hr_sigma"?,"heart_rate"?,"hr_calibrated"?,"summary":{...},"calibration"?:{...}} (the last with
 * ?calibrate=S, serve/live.h) */
#ifndef HRCAST_SERVE_RESULT_JSON_H
#define HRCAST_SERVE_RESULT_JSON_H
#include <stddef.h>
#include "serve/predict.h"
#include "serve/sbuf.h"

struct result_writer {
    const struct predict_result *r;
    int part, index;     /* next field, next element of its array */
    struct sbuf pending; /* bytes made but not handed out yet */
    size_t off;          /* handed out of pending */
    /* summary, computed once at init */
    double pred_sum, pred_max, pred_min, act_sum, act_max, abs_err;
    int n_actual;
};

/* r must outlive the writer. */
void result_writer_init(struct result_writer *w, const struct predict_result *r);
/* Copies the next up to cap bytes to out; returns how many, 0 at the end (or out of memory:
 * w->pending.oom). */
size_t result_writer_read(struct result_writer *w, char *out, size_t cap);
void result_writer_free(struct result_writer *w);

#endif
