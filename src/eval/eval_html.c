/* eval_html.c — DIR/report.html: one self-contained page (figures embedded as base64 PNG) with the
 * model card, the metrics table with baselines and confidence intervals, the figures, and with
 * eval --calibrate a "Live forecasting" section of its own (table and figure). */
#include "eval/eval_output.h"
#include "eval/live_report.h"
#include "util/fileio.h"
#include "util/json.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void html_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void base64(FILE *f, const uint8_t *d, size_t n)
{
    static const char tb[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0) | (i + 2 < n ? d[i + 2] : 0);
        fputc(tb[v >> 18 & 63], f);
        fputc(tb[v >> 12 & 63], f);
        fputc(i + 1 < n ? tb[v >> 6 & 63] : '=', f);
        fputc(i + 2 < n ? tb[v & 63] : '=', f);
    }
}

/* <figure> with DIR/file embedded as base64 PNG. */
static int embed_figure(FILE *f, const char *dir, const char *file, const char *caption, struct hr_err *e)
{
    char fp[1200];
    path_join(fp, sizeof fp, dir, file);
    uint8_t *data;
    size_t len;
    if (read_file_all(fp, &data, &len, (size_t)64 << 20, e))
        return -1;
    fprintf(f, "<figure><img alt=\"");
    html_escape(f, caption);
    fprintf(f, "\" src=\"data:image/png;base64,");
    base64(f, data, len);
    fprintf(f, "\"><figcaption>");
    html_escape(f, caption);
    fprintf(f, "</figcaption></figure>\n");
    free(data);
    return 0;
}

/* "Live forecasting": its own heading, note, table and figure, after the offline ones. */
static int live_section(FILE *f, const char *dir, const struct live_report *lr, struct hr_err *e)
{
    fprintf(f, "<h2 id=\"live\">Live forecasting (calibrated on each run's first minutes)</h2>\n<p class=\"note\">A "
               "separate task from the tables above, not comparable with them: the recorded HR of each run's first W "
               "minutes calibrates the prediction of the rest, and every error counts only the steps at t &ge; W, the "
               "same steps for every column. Split ");
    html_escape(f, lr->split);
    char how[96];
    live_trust_source(lr, how, sizeof how);
    fprintf(f, ": %d test workouts; the trust in the window: %s. MAE in bpm."
               "</p>\n<table class=\"live\">\n<tr><th>window</th><th>model</th><th>uncalibrated</th><th>physio "
               "calibrated</th><th>window_mean</th><th>last</th><th>steps after it</th><th>trust (model)</th></tr>\n",
            lr->n_test, how);
    for (int i = 0; i < lr->n; i++) {
        const struct live_row *r = &lr->rows[i];
        char label[48], tm[96], nb[5][24];
        live_label(r->window_s, label, sizeof label);
        calib_trust_text(&r->trust, tm, sizeof tm);
        fprintf(f, "<tr><td>%s</td><td class=n>%s</td><td class=n>%s</td><td class=n>%s</td><td class=n>%s</td>"
                   "<td class=n>%s</td><td class=n>%lld</td><td>%s</td></tr>\n",
                label, fmt_metric(nb[0], metric_mae(&r->cal)), fmt_metric(nb[1], metric_mae(&r->unc)),
                fmt_metric(nb[2], metric_mae(&r->physio)), fmt_metric(nb[3], metric_mae(&r->wmean)),
                fmt_metric(nb[4], metric_mae(&r->last)), r->cal.n, tm);
    }
    fprintf(f, "</table>\n");
    return embed_figure(f, dir, LIVE_FIGURE, "Live forecasting: MAE after the window against calibration minutes: "
                                             "the model calibrated and uncalibrated, physio calibrated the same way, "
                                             "window_mean and last", e);
}

static void card_rows(FILE *f, const struct json *card)
{
    const struct json *model = json_get(card, "model");
    const struct json *arch = json_get(model, "architecture");
    const char *type = json_get_str(card, "model_type", "?");
    fprintf(f, "<tr><th>model type</th><td>");
    html_escape(f, type);
    fprintf(f, "</td></tr>\n");
    if (arch) {
        fprintf(f, "<tr><th>architecture</th><td>%d-layer LSTM, hidden %d, %d inputs, %d output(s), dropout %.2g, %.0f parameters</td></tr>\n",
                (int)json_get_num(arch, "num_layers", 0), (int)json_get_num(arch, "hidden_size", 0),
                (int)json_get_num(arch, "input_size", 0), (int)json_get_num(arch, "output_size", 0),
                json_get_num(arch, "dropout", 0), json_get_num(arch, "parameters", 0));
    }
    const char *eq = json_get_str(model, "equation", NULL);
    if (eq) {
        const struct json *pop = json_get(model, "population");
        fprintf(f, "<tr><th>equation</th><td><code>");
        html_escape(f, eq);
        fprintf(f, "</code></td></tr>\n<tr><th>population parameters</th><td>offset %.1f bpm, gain %.1f bpm/(m/s), "
                   "tau %.0f s, drift %.1f bpm/h, grade factor %.2f</td></tr>\n<tr><th>athletes fitted</th><td>%zu</td></tr>\n",
                json_get_num(pop, "offset", NAN), json_get_num(pop, "gain", NAN), json_get_num(pop, "tau", NAN),
                json_get_num(pop, "drift", NAN), json_get_num(pop, "grade_k", NAN), json_len(json_get(model, "athletes")));
    }
    const struct json *feat = json_get(model, "features");
    if (feat) {
        fprintf(f, "<tr><th>features</th><td><b>");
        html_escape(f, json_get_str(feat, "set", ""));
        fprintf(f, "</b>: ");
        const struct json *names = json_get(feat, "names");
        for (size_t i = 0; i < json_len(names); i++) {
            html_escape(f, json_str(json_at(names, i), ""));
            fputs(i + 1 < json_len(names) ? ", " : "", f);
        }
        fprintf(f, " &mdash; none derived from the heart rate being predicted</td></tr>\n");
    }
    double step = json_get_num(model, "step_s", NAN);
    if (isfinite(step))
        fprintf(f, "<tr><th>grid step</th><td>%g s</td></tr>\n", step);
    const char *loss = json_get_str(model, "loss", NULL);
    if (loss) {
        fprintf(f, "<tr><th>loss</th><td>");
        html_escape(f, loss);
        fprintf(f, "</td></tr>\n");
    }
    const struct json *tr = json_get(model, "training");
    if (tr) {
        fprintf(f, "<tr><th>training</th><td>dataset <code>");
        html_escape(f, json_get_str(tr, "dataset", ""));
        fprintf(f, "</code>, %s split, %.0f training / %.0f validation workouts, best epoch %.0f of %.0f, "
                   "validation MAE %.2f bpm, seed %.0f</td></tr>\n",
                json_get_str(tr, "split", "?"), json_get_num(tr, "train_workouts", 0), json_get_num(tr, "val_workouts", 0),
                json_get_num(tr, "best_epoch", 0), json_get_num(tr, "epochs_run", 0), json_get_num(tr, "val_mae", NAN),
                json_get_num(tr, "seed", 0));
    }
}

int eval_write_html(const char *dir, const struct evaluation *ev, const struct eval_context *cx,
                    const struct eval_figure *figs, int nfig, struct hr_err *e)
{
    char path[1200];
    path_join(path, sizeof path, dir, "report.html");
    struct atomic_file af;
    if (atomic_open(&af, path, e))
        return -1;
    FILE *f = af.f;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>hrcast evaluation</title>\n"
               "<style>body{font-family:DejaVu Sans,Arial,sans-serif;max-width:1150px;margin:2em auto;color:#222;padding:0 1em}"
               "h1{color:#c0392b}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
               "th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1.5em 0}"
               "img{max-width:100%%;border:1px solid #ddd}figcaption{color:#555;font-size:.9em}"
               ".note{color:#555;font-size:.9em}</style></head><body>\n");
    fprintf(f, "<h1>hrcast evaluation</h1>\n<p>Model <code>");
    html_escape(f, cx->model_path);
    fprintf(f, "</code> on <code>");
    html_escape(f, cx->dataset_path);
    fprintf(f, "</code>, split <b>");
    html_escape(f, cx->split);
    fprintf(f, "</b>: %d workouts, %lld valid heart-rate steps, %d athlete(s).</p>\n", ev->nw, ev->steps, ev->n_athletes);
    char prec[256];
    eval_precision_note(prec, sizeof prec, cx->precision);
    char opt[600];
    eval_optimism_note(opt, sizeof opt, cx->split, cx->seen_in_training, cx->seen_in_validation, ev->nw);
    const char *notes[2] = {prec, opt};
    for (int i = 0; i < 2; i++)
        if (*notes[i]) {
            fprintf(f, "<p><b>");
            html_escape(f, notes[i]);
            fprintf(f, "</b></p>\n");
        }
    fprintf(f, "<h2>Model card</h2>\n<table>\n");
    struct json *card = NULL;
    if (cx->model_card_json && json_parse(cx->model_card_json, strlen(cx->model_card_json), "card", &card, NULL) == 0)
        card_rows(f, card);
    json_free(card);
    fprintf(f, "</table>\n<h2>Metrics</h2>\n<p class=\"note\">Global MAE and RMSE over all valid steps (not averages of "
               "per-batch values); 95 %% confidence intervals by bootstrap over workouts (1000 resamples, seed %llu). "
               "The models never see the recorded heart rate of the workout they predict.</p>\n",
            (unsigned long long)cx->seed);
    fprintf(f, "<table><tr><th>model</th><th>MAE (bpm)</th><th>95 %% CI</th><th>RMSE (bpm)</th><th>95 %% CI</th>"
               "<th>bias</th><th>MAE after 2 min</th><th>per-workout MAE median (IQR)</th><th>p90</th></tr>\n");
    for (int k = 0; k < ev->n_models; k++) {
        const struct eval_model *m = &ev->m[k];
        fprintf(f, "<tr><td>%s%s%s</td><td class=n>%.2f</td><td class=n>%.2f&ndash;%.2f</td><td class=n>%.2f</td>"
                   "<td class=n>%.2f&ndash;%.2f</td><td class=n>%+.2f</td><td class=n>%.2f</td>"
                   "<td class=n>%.2f (%.2f&ndash;%.2f)</td><td class=n>%.2f</td></tr>\n",
                k == 0 ? "<b>" : "", m->name, k == 0 ? "</b>" : " (baseline)", metric_mae(&m->all), m->mae_lo, m->mae_hi,
                metric_rmse(&m->all), m->rmse_lo, m->rmse_hi, metric_bias(&m->all), metric_mae(&m->after2),
                m->wmae_median, m->wmae_q1, m->wmae_q3, m->wmae_p90);
    }
    char src[1400];
    eval_baselines_source(src, sizeof src, ev, cx);
    fprintf(f, "</table>\n");
    if (*src) {
        fprintf(f, "<p class=\"note\">");
        html_escape(f, src);
        fprintf(f, "</p>\n");
    }
    fprintf(f, "<h3>All recorded steps and trusted steps</h3>\n<p class=\"note\">The same predictions scored "
               "on every recorded heart-rate step and on the steps the HR-quality stage trusts (no cadence lock, "
               "lock-on, dropout, stuck value, level shift or spike; from the recording alone)%s.</p>\n"
               "<table><tr><th>model</th><th>MAE all recorded</th><th>MAE trusted</th><th>RMSE all recorded</th>"
               "<th>RMSE trusted</th></tr>\n",
            ev->assessed ? "" : "; this dataset (version 1) was not assessed, so every recorded step counts as trusted");
    for (int k = 0; k < ev->n_models; k++) {
        const struct eval_model *m = &ev->m[k];
        fprintf(f, "<tr><td>%s</td><td class=n>%.2f</td><td class=n>%.2f</td><td class=n>%.2f</td><td class=n>%.2f</td>"
                   "</tr>\n",
                m->name, metric_mae(&m->all), metric_mae(&m->trusted), metric_rmse(&m->all), metric_rmse(&m->trusted));
    }
    fprintf(f, "<tr><td>steps</td><td class=n>%lld</td><td class=n>%lld</td><td></td><td></td></tr>\n</table>\n",
            ev->steps, ev->trusted_steps);
    for (int k = 1; k < ev->n_models; k++) {
        double b = metric_mae(&ev->m[k].all), a = metric_mae(&ev->m[0].all);
        fprintf(f, "<p>%s: MAE %.1f %% %s than the %s baseline.</p>\n", ev->m[0].name, fabs(100 * (1 - a / b)),
                a <= b ? "lower" : "higher", ev->m[k].name);
    }
    if (ev->m[0].has_sigma && ev->m[0].cover_n)
        fprintf(f, "<p>Calibration: %.1f %% of recorded steps inside the 50 %% interval, %.1f %% inside the 90 %% interval.</p>\n",
                100.0 * ev->m[0].cover50 / ev->m[0].cover_n, 100.0 * ev->m[0].cover90 / ev->m[0].cover_n);
    fprintf(f, "<h3>By intensity (derived from speed only) and duration</h3>\n<table><tr><th></th>");
    for (int k = 0; k < ev->n_models; k++)
        fprintf(f, "<th>%s MAE</th>", ev->m[k].name);
    fprintf(f, "<th>steps</th></tr>\n");
    for (int c = 0; c < EVAL_INTENSITIES + EVAL_DURATIONS; c++) {
        int dur = c >= EVAL_INTENSITIES, q = dur ? c - EVAL_INTENSITIES : c;
        fputs("<tr><td>", f);
        html_escape(f, dur ? duration_bucket_name(q) : intensity_name(q)); /* "< 30 min" */
        fputs("</td>", f);
        for (int k = 0; k < ev->n_models; k++) {
            const struct metric_acc *a = dur ? &ev->m[k].duration[q] : &ev->m[k].intensity[q];
            char nb[24];
            fprintf(f, "<td class=n>%s</td>", fmt_metric(nb, metric_mae(a)));
        }
        fprintf(f, "<td class=n>%lld</td></tr>\n", dur ? ev->m[0].duration[q].n : ev->m[0].intensity[q].n);
    }
    fprintf(f, "</table>\n<h2>Figures</h2>\n<p class=\"note\">Workouts are chosen by rule (best, median and worst by the model's MAE, "
               "then seeded random ones), never by hand.</p>\n");
    for (int i = 0; i < nfig; i++)
        if (embed_figure(f, dir, figs[i].file, figs[i].caption, e)) {
            atomic_abort(&af);
            return -1;
        }
    if (cx->live && live_section(f, dir, cx->live, e)) {
        atomic_abort(&af);
        return -1;
    }
    fprintf(f, "<p class=\"note\">Made by hrcast %s.", "0.1.0");
    if (cx->command) { /* the command as run, so that pasting it writes this report again */
        fprintf(f, " Rerun: <code>");
        html_escape(f, cx->command);
        fprintf(f, "</code>");
    }
    fprintf(f, "</p>\n</body></html>\n");
    return atomic_commit(&af, e);
}
