/* result_json.c — the predict response written in pieces (see result_json.h). */
#include "serve/result_json.h"
#include "serve/live.h"
#include "eval/calibrate.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { ELEMS_PER_PIECE = 2048 };

/* The arrays in response order; a missing one (no altitude, sigma or recorded HR) is skipped. */
enum part { P_HEAD, P_TIME, P_SPEED, P_ALT, P_GRADE, P_HR, P_SIGMA, P_ACTUAL, P_HR_CAL, P_SUMMARY, P_END };

void result_writer_init(struct result_writer *w, const struct predict_result *r)
{
    memset(w, 0, sizeof *w);
    w->r = r;
    sbuf_init(&w->pending);
    w->pred_max = -INFINITY;
    w->pred_min = INFINITY;
    w->act_max = -INFINITY;
    for (int i = 0; i < r->s.n; i++) {
        double h = r->hr[i];
        w->pred_sum += h;
        w->pred_max = h > w->pred_max ? h : w->pred_max;
        w->pred_min = h < w->pred_min ? h : w->pred_min;
        if (!isnan(r->actual[i])) {
            w->n_actual++;
            w->act_sum += r->actual[i];
            w->act_max = r->actual[i] > w->act_max ? r->actual[i] : w->act_max;
            w->abs_err += fabs(h - r->actual[i]);
        }
    }
}

void result_writer_free(struct result_writer *w) { sbuf_free(&w->pending); }

/* The array of part k (NULL: written as null or left out), its key and its decimals. */
static const float *part_array(const struct result_writer *w, int k, const char **key, int *decimals)
{
    const struct series *s = &w->r->s;
    switch (k) {
    case P_TIME: *key = "time", *decimals = 1; return S_TIME(s);
    case P_SPEED: *key = "speed", *decimals = 3; return S_SPEED(s);
    case P_ALT: *key = "altitude", *decimals = 1; return s->meta.has_alt ? S_ALT(s) : NULL;
    case P_GRADE: *key = "grade", *decimals = 4; return S_GRADE(s);
    case P_HR: *key = "hr_predicted", *decimals = 1; return w->r->hr;
    case P_SIGMA: *key = "hr_sigma", *decimals = 2; return w->r->sigma;
    case P_ACTUAL: *key = "heart_rate", *decimals = 1; return w->n_actual ? w->r->actual : NULL;
    case P_HR_CAL: *key = "hr_calibrated", *decimals = 1; return w->r->hr_cal;
    default: *key = NULL, *decimals = 0; return NULL;
    }
}

static void write_summary(struct result_writer *w, struct sbuf *o)
{
    const struct series *s = &w->r->s;
    int n = s->n, na = w->n_actual;
    /* n steps of s->step seconds each cover n * step seconds: a 25-minute plan at 10 s is 150 steps
     * whose last one starts at 24:50 and ends at 25:00; the distance likewise at the last step's end (the
     * distance at its start plus its speed over it: "2 km @ 4:30/km" is 9:00 and 2.00 km, not 1.96) */
    double last = isfinite(S_SPEED(s)[n - 1]) ? (double)S_SPEED(s)[n - 1] * s->step : 0;
    sbuf_printf(o, ",\n\"summary\":{\"duration_s\":%.0f,\"distance_m\":%.0f,\"predicted_avg\":",
                (double)(S_TIME(s)[n - 1] - S_TIME(s)[0] + s->step), (double)S_DIST(s)[n - 1] + last);
    sb_json_num(o, w->pred_sum / n, 4);
    sbuf_puts(o, ",\"predicted_max\":");
    sb_json_num(o, w->pred_max, 4);
    sbuf_puts(o, ",\"predicted_min\":");
    sb_json_num(o, w->pred_min, 4);
    sbuf_puts(o, ",\"actual_avg\":");
    sb_json_num(o, na ? w->act_sum / na : NAN, 4);
    sbuf_puts(o, ",\"actual_max\":");
    sb_json_num(o, na ? w->act_max : NAN, 4);
    sbuf_puts(o, ",\"mae\":");
    sb_json_num(o, na ? w->abs_err / na : NAN, 4);
    sbuf_printf(o, ",\"actual_steps\":%d}", na);
    const struct predict_result *r = w->r;
    if (r->recent_files > 0) { /* the runner's earlier runs sent with the upload (serve/recent.h) */
        const struct form_use *u = &r->recent;
        sbuf_printf(o, ",\n\"recent_form\":{\"files\":%d,\"runs\":%d,\"same_run\":%d,\"shift_bpm\":", r->recent_files,
                    u->runs, u->same_run);
        sb_json_num(o, u->shift, 4);
        sbuf_printf(o, ",\"scaled\":%s", u->scaled ? "true" : "false");
        if (u->scaled) {
            sbuf_printf(o, ",\"scale_runs\":%d,\"scale_mean_bpm\":", u->scale_runs);
            sb_json_num(o, u->mean, 4);
            sbuf_puts(o, ",\"scale_sd_bpm\":");
            sb_json_num(o, u->sd, 4);
        }
        sbuf_puts(o, "}");
    }
    if (r->warnings[0]) { /* what reading the upload warned about (a FIT file cut short: the part before the cut) */
        sbuf_puts(o, ",\n\"warnings\":[");
        char line[sizeof r->warnings];
        int k = 0;
        for (const char *p = r->warnings; *p;) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            memcpy(line, p, len);
            line[len] = '\0';
            if (k++)
                sbuf_puts(o, ",");
            sb_json_str(o, line);
            p += len + (nl != NULL);
        }
        sbuf_puts(o, "]");
    }
    if (r->hr_cal) { /* ?calibrate=S: live numbers, apart from the offline summary */
        char label[48];
        snprintf(label, sizeof label, "calibrated %g min", r->calib_s / 60);
        sbuf_printf(o, ",\n\"calibration\":{\"label\":");
        sb_json_str(o, label);
        sbuf_printf(o, ",\"calibrate_s\":%g,\"window_steps\":%d,\"offset_steps\":%d,\"offset_bpm\":", r->calib_s,
                    r->calib_steps, r->calib_offset_steps);
        sb_json_num(o, r->calib_offset, 4);
        struct calib_trust t = r->calib_trust;
        sbuf_printf(o,
                    ",\"trust_warm_s\":%g,\"trust_k_steps\":%g,\"trust_tail_s\":%g,\"trust_persist\":%g,"
                    "\"trust_tau_s\":%g,\"steps_after\":%d,\"mae\":",
                    t.warm_s, t.k, t.tail_s, t.persist, t.tau_s, r->calib_after_steps);
        sb_json_num(o, r->calib_mae, 4);
        sbuf_puts(o, ",\"mae_uncalibrated\":");
        sb_json_num(o, r->calib_mae_uncal, 4);
        sbuf_puts(o, "}");
    }
    sbuf_puts(o, "}\n");
}

/* Appends the next piece (a header, up to ELEMS_PER_PIECE elements, or the summary) to pending. */
static void next_piece(struct result_writer *w)
{
    struct sbuf *o = &w->pending;
    const struct predict_result *r = w->r;
    int n = r->s.n;
    if (w->part == P_HEAD) {
        sbuf_puts(o, "{\"name\":");
        sb_json_str(o, r->name);
        sbuf_puts(o, ",\"format\":");
        sb_json_str(o, r->format);
        sbuf_puts(o, ",\"model\":");
        sb_json_str(o, r->model_kind);
        sbuf_printf(o, ",\"step\":%g,\"n\":%d", (double)r->s.step, n);
        w->part++;
        return;
    }
    if (w->part == P_SUMMARY) {
        write_summary(w, o);
        w->part++;
        return;
    }
    const char *key;
    int dec;
    const float *v = part_array(w, w->part, &key, &dec);
    if (!v) {
        if (w->part == P_ALT)
            sbuf_puts(o, ",\n\"altitude\":null");
        w->part++;
        return;
    }
    if (w->index == 0)
        sbuf_printf(o, w->part == P_TIME ? ",\"%s\":[" : ",\n\"%s\":[", key);
    int to = w->index + ELEMS_PER_PIECE < n ? w->index + ELEMS_PER_PIECE : n;
    sb_json_floats_part(o, v, w->index, to, dec);
    w->index = to;
    if (to == n) {
        sbuf_put(o, "]", 1);
        w->part++;
        w->index = 0;
    }
}

size_t result_writer_read(struct result_writer *w, char *out, size_t cap)
{
    size_t given = 0;
    while (given < cap) {
        if (w->off == w->pending.n) {
            if (w->part == P_END || w->pending.oom)
                break;
            w->pending.n = 0;
            w->off = 0;
            next_piece(w);
            continue;
        }
        size_t k = w->pending.n - w->off;
        if (k > cap - given)
            k = cap - given;
        memcpy(out + given, w->pending.p + w->off, k);
        w->off += k;
        given += k;
    }
    return given;
}
