/* eval_json.c — the evaluation as JSON (metrics.json, --json), as a terminal table and as Markdown. */
#include "eval/eval_output.h"
#include "model/recent_form.h"
#include "eval/live_report.h"
#include "util/fileio.h"
#include <math.h>
#include <string.h>

static void acc_obj(struct jw *w, const struct metric_acc *a)
{
    jw_obj_begin(w);
    jw_kv_num(w, "mae", metric_mae(a));
    jw_kv_num(w, "rmse", metric_rmse(a));
    jw_kv_int(w, "steps", a->n);
    jw_obj_end(w);
}

/* file, hash: the file the model was read from (eval --physio), NULL when it was fitted here */
static void model_obj(struct jw *w, const struct evaluation *ev, const struct eval_model *m, int detail,
                      const char *file, const char *hash)
{
    jw_obj_begin(w);
    if (file) {
        jw_kv_str(w, "file", file);
        jw_kv_str(w, "file_hash", hash ? hash : "");
    }
    jw_kv_num(w, "mae", metric_mae(&m->all));
    jw_kv_num(w, "rmse", metric_rmse(&m->all));
    jw_kv_num(w, "bias", metric_bias(&m->all));
    jw_key(w, "mae_ci95");
    jw_arr_begin(w);
    jw_num(w, m->mae_lo);
    jw_num(w, m->mae_hi);
    jw_arr_end(w);
    jw_key(w, "rmse_ci95");
    jw_arr_begin(w);
    jw_num(w, m->rmse_lo);
    jw_num(w, m->rmse_hi);
    jw_arr_end(w);
    jw_kv_num(w, "mae_after_2min", metric_mae(&m->after2));
    jw_key(w, "trusted"); /* the same predictions scored on the steps the HR-quality stage trusts */
    jw_obj_begin(w);
    jw_kv_num(w, "mae", metric_mae(&m->trusted));
    jw_kv_num(w, "rmse", metric_rmse(&m->trusted));
    jw_kv_num(w, "bias", metric_bias(&m->trusted));
    jw_kv_int(w, "steps", m->trusted.n);
    jw_obj_end(w);
    jw_key(w, "workout_mae");
    jw_obj_begin(w);
    jw_kv_num(w, "median", m->wmae_median);
    jw_kv_num(w, "q1", m->wmae_q1);
    jw_kv_num(w, "q3", m->wmae_q3);
    jw_kv_num(w, "p90", m->wmae_p90);
    jw_obj_end(w);
    if (m->has_sigma && m->cover_n) {
        jw_key(w, "coverage");
        jw_obj_begin(w);
        jw_kv_num(w, "nominal_50", (double)m->cover50 / m->cover_n);
        jw_kv_num(w, "nominal_90", (double)m->cover90 / m->cover_n);
        jw_obj_end(w);
    }
    if (detail) {
        jw_key(w, "by_duration");
        jw_obj_begin(w);
        for (int k = 0; k < EVAL_DURATIONS; k++) {
            jw_key(w, duration_bucket_name(k));
            acc_obj(w, &m->duration[k]);
        }
        jw_obj_end(w);
        jw_key(w, "by_intensity");
        jw_obj_begin(w);
        for (int k = 0; k < EVAL_INTENSITIES; k++) {
            jw_key(w, intensity_name(k));
            acc_obj(w, &m->intensity[k]);
        }
        jw_obj_end(w);
        jw_key(w, "by_athlete");
        jw_obj_begin(w);
        for (int a = 0; a < ev->n_athletes; a++) {
            jw_key(w, ev->athletes[a]);
            acc_obj(w, &m->athlete[a]);
        }
        jw_obj_end(w);
        jw_key(w, "mae_by_minute");
        jw_arr_begin(w);
        int last = EVAL_MINUTES;
        while (last > 0 && m->minute[last - 1].n == 0)
            last--;
        for (int k = 0; k < last; k++)
            jw_num(w, metric_mae(&m->minute[k]));
        jw_arr_end(w);
    }
    jw_obj_end(w);
}

void eval_write_json(struct jw *w, const struct evaluation *ev, const struct eval_context *cx)
{
    const struct eval_model *m = &ev->m[0];
    jw_obj_begin(w);
    jw_kv_str(w, "model", cx->model_path);
    if (cx->model_hash)
        jw_kv_str(w, "model_hash", cx->model_hash);
    jw_kv_str(w, "dataset", cx->dataset_path);
    jw_kv_str(w, "split", cx->split);
    if (cx->command)
        jw_kv_str(w, "command", cx->command);
    jw_kv_str(w, "precision", cx->precision ? cx->precision : "fp32");
    if (cx->recent_form) { /* model/recent_form.h */
        jw_key(w, "recent_form");
        jw_obj_begin(w);
        jw_kv_str(w, "rule", "hr + sum of the residuals of the runner's last `runs` runs within `days` days "
                             "before the run (outside the split's training part) / (their count + prior)");
        jw_kv_str(w, "scale", "a model with an HR scale that does not know the runner: the runner's mean and sd "
                              "of HR over all those earlier runs (trusted steps, >= 3600 s), in place of the "
                              "population's");
        jw_kv_int(w, "runs", FORM_RUNS);
        jw_kv_num(w, "days", FORM_DAYS);
        jw_kv_num(w, "prior", FORM_PRIOR);
        jw_obj_end(w);
    }
    jw_kv_bool(w, "overlap_checked", cx->overlap_checked);
    jw_kv_int(w, "seen_in_training", cx->seen_in_training);
    jw_kv_int(w, "seen_in_validation", cx->seen_in_validation);
    jw_kv_int(w, "workouts", ev->nw);
    jw_kv_int(w, "steps", ev->steps);
    jw_kv_int(w, "steps_trusted", ev->trusted_steps);
    jw_kv_bool(w, "hr_quality_assessed", ev->assessed);
    jw_kv_int(w, "athletes", ev->n_athletes);
    jw_kv_int(w, "bootstrap_seed", (long long)cx->seed);
    jw_kv_num(w, "mae", metric_mae(&m->all));
    jw_kv_num(w, "rmse", metric_rmse(&m->all));
    jw_kv_num(w, "bias", metric_bias(&m->all));
    jw_kv_num(w, "mae_trusted", metric_mae(&m->trusted));
    jw_kv_num(w, "rmse_trusted", metric_rmse(&m->trusted));
    jw_key(w, "model_metrics");
    model_obj(w, ev, m, 1, NULL, NULL);
    jw_key(w, "baselines");
    jw_obj_begin(w);
    for (int k = 1; k < ev->n_models; k++) {
        jw_key(w, ev->m[k].name);
        int from_file = k == 2 && cx->physio_file; /* evaluate()'s third model is the physio baseline */
        model_obj(w, ev, &ev->m[k], 0, from_file ? cx->physio_file : NULL, from_file ? cx->physio_hash : NULL);
    }
    jw_obj_end(w);
    jw_key(w, "relative_gain");
    jw_obj_begin(w);
    for (int k = 1; k < ev->n_models; k++) {
        double b = metric_mae(&ev->m[k].all);
        jw_kv_num(w, ev->m[k].name, b > 0 ? 1.0 - metric_mae(&m->all) / b : NAN);
    }
    jw_obj_end(w);
    if (cx->live) { /* live forecasting: its own key, errors after each window only */
        jw_key(w, "live");
        live_report_json(w, cx->live, 1);
    }
    jw_obj_end(w);
}

void eval_baselines_source(char *buf, size_t cap, const struct evaluation *ev, const struct eval_context *cx)
{
    if (ev->n_models < 2)
        snprintf(buf, cap, "%s", "");
    else if (cx->physio_file && ev->n_models > 2)
        snprintf(buf, cap, "The %s baseline was fitted on the split's training part; the %s baseline was read from "
                 "%s (%s), not fitted here.", ev->m[1].name, ev->m[2].name, cx->physio_file,
                 cx->physio_hash ? cx->physio_hash : "hash unknown");
    else
        snprintf(buf, cap, "The baselines were fitted on the split's training part.");
}

void eval_precision_note(char *buf, size_t cap, const char *precision)
{
    if (!precision || !strcmp(precision, "fp32"))
        snprintf(buf, cap, "%s", "");
    else
        snprintf(buf, cap, "The model predicted with its %s forward (hrcast eval --%s), not in FP32 as stored: "
                 "these are its %s numbers (the baselines are FP32).", precision, precision, precision);
}

void eval_optimism_note(char *buf, size_t cap, const char *split, int seen_train, int seen_val, int workouts)
{
    char t[160] = "", v[160] = "", s[96] = "";
    if (seen_train > 0)
        snprintf(t, sizeof t, " %d of these %d workouts were the model's training data (scored with --allow-overlap).",
                 seen_train, workouts);
    else if (split && strstr(split, "NOT HELD OUT"))
        snprintf(t, sizeof t, " The selection is not held out from the model's training.");
    if (seen_val > 0)
        snprintf(v, sizeof v, " %d of these %d workouts were the model's validation data (they chose its best epoch).",
                 seen_val, workouts);
    if (split && !strstr(split, "test"))
        snprintf(s, sizeof s, " %s is not a held-out test split.", split);
    if (*t || *v || *s)
        snprintf(buf, cap, "Not held out:%s%s%s These numbers are optimistic.", t, v, s);
    else
        snprintf(buf, cap, "%s", "");
}

void eval_print_table(FILE *f, const struct evaluation *ev, const struct eval_context *cx)
{
    char nb[24];
    fprintf(f, "%s on %s (%s): %d workouts, %lld valid HR steps, %d athlete(s)\n\n", cx->model_path,
            cx->dataset_path, cx->split, ev->nw, ev->steps, ev->n_athletes);
    fprintf(f, "  %-12s %8s %17s %8s %7s %10s %16s\n", "model", "MAE", "95% CI", "RMSE", "bias",
            "MAE>2min", "workout MAE med");
    for (int k = 0; k < ev->n_models; k++) {
        const struct eval_model *m = &ev->m[k];
        char ci[32], iqr[32];
        snprintf(ci, sizeof ci, "[%.2f, %.2f]", m->mae_lo, m->mae_hi);
        snprintf(iqr, sizeof iqr, "%.2f (%.1f-%.1f)", m->wmae_median, m->wmae_q1, m->wmae_q3);
        fprintf(f, "  %-12s %8.2f %17s %8.2f %7.2f %10.2f %16s\n", m->name, metric_mae(&m->all), ci,
                metric_rmse(&m->all), metric_bias(&m->all), metric_mae(&m->after2), iqr);
    }
    for (int k = 1; k < ev->n_models; k++) {
        double b = metric_mae(&ev->m[k].all);
        fprintf(f, "  %s MAE is %.1f %% %s than %s\n", ev->m[0].name, fabs(100 * (1 - metric_mae(&ev->m[0].all) / b)),
                metric_mae(&ev->m[0].all) <= b ? "lower" : "higher", ev->m[k].name);
    }
    fprintf(f, "\n  all recorded steps vs trusted steps (HR-quality stage, docs/data.md)%s\n",
            ev->assessed ? "" : ": dataset version 1, not assessed (all trusted)");
    fprintf(f, "  %-12s %12s %12s %12s %12s\n", "model", "MAE all", "MAE trusted", "RMSE all", "RMSE trusted");
    for (int k = 0; k < ev->n_models; k++) {
        const struct eval_model *m = &ev->m[k];
        fprintf(f, "  %-12s %12.2f %12.2f %12.2f %12.2f\n", m->name, metric_mae(&m->all), metric_mae(&m->trusted),
                metric_rmse(&m->all), metric_rmse(&m->trusted));
    }
    fprintf(f, "  %-12s %12lld %12lld\n", "steps", ev->steps, ev->trusted_steps);
    if (ev->m[0].has_sigma && ev->m[0].cover_n)
        fprintf(f, "  interval coverage: 50 %% -> %.1f %%, 90 %% -> %.1f %%\n",
                100.0 * ev->m[0].cover50 / ev->m[0].cover_n, 100.0 * ev->m[0].cover90 / ev->m[0].cover_n);
    for (int g = 0; g < EG_ATHLETE; g++) {
        fprintf(f, "\n  %-16s", g == EG_INTENSITY ? "intensity" : "duration");
        for (int k = 0; k < ev->n_models; k++)
            fprintf(f, " %10s", ev->m[k].name);
        fprintf(f, " %8s\n", "steps");
        for (int c = 0; c < eval_group_size(ev, (enum eval_group)g); c++) {
            fprintf(f, "  %-16s", eval_group_name(ev, (enum eval_group)g, c));
            for (int k = 0; k < ev->n_models; k++)
                fprintf(f, " %10s", fmt_metric(nb, metric_mae(eval_group_acc(&ev->m[k], (enum eval_group)g, c))));
            fprintf(f, " %8lld\n", eval_group_acc(&ev->m[0], (enum eval_group)g, c)->n);
        }
    }
}

int eval_write_markdown(const char *path, const struct evaluation *ev, const struct eval_context *cx,
                        struct hr_err *e)
{
    struct atomic_file af;
    char nb[24];
    if (atomic_open(&af, path, e))
        return -1;
    FILE *f = af.f;
    fprintf(f, "# Evaluation of `%s`\n\nDataset `%s`, split `%s`: %d workouts, %lld valid heart-rate steps, %d athletes.\n"
               "Metrics are global over all valid steps; confidence intervals are 95 %% bootstrap over workouts "
               "(1000 resamples, seed %llu).\n\n",
            cx->model_path, cx->dataset_path, cx->split, ev->nw, ev->steps, ev->n_athletes,
            (unsigned long long)cx->seed);
    char src[1400], prec[256];
    eval_baselines_source(src, sizeof src, ev, cx);
    eval_precision_note(prec, sizeof prec, cx->precision);
    if (*prec)
        fprintf(f, "**%s**\n\n", prec);
    char opt[600];
    eval_optimism_note(opt, sizeof opt, cx->split, cx->seen_in_training, cx->seen_in_validation, ev->nw);
    if (*opt)
        fprintf(f, "**%s**\n\n", opt);
    if (*src)
        fprintf(f, "%s\n\n", src);
    fprintf(f, "| model | MAE (bpm) | 95 %% CI | RMSE (bpm) | bias | MAE after 2 min | per-workout MAE median (IQR) | p90 |\n");
    fprintf(f, "|---|---|---|---|---|---|---|---|\n");
    for (int k = 0; k < ev->n_models; k++) {
        const struct eval_model *m = &ev->m[k];
        fprintf(f, "| %s | %.2f | %.2f-%.2f | %.2f | %+.2f | %.2f | %.2f (%.2f-%.2f) | %.2f |\n", m->name,
                metric_mae(&m->all), m->mae_lo, m->mae_hi, metric_rmse(&m->all), metric_bias(&m->all),
                metric_mae(&m->after2), m->wmae_median, m->wmae_q1, m->wmae_q3, m->wmae_p90);
    }
    fprintf(f, "\nAll recorded steps next to the trusted steps only (the HR-quality stage leaves out cadence lock,"
               " lock-on, dropouts, stuck values, level shifts and spikes; docs/data.md)%s:\n\n"
               "| model | MAE all recorded | MAE trusted | RMSE all recorded | RMSE trusted |\n|---|---|---|---|---|\n",
            ev->assessed ? "" : " — dataset version 1, not assessed, every recorded step trusted");
    for (int k = 0; k < ev->n_models; k++) {
        const struct eval_model *m = &ev->m[k];
        fprintf(f, "| %s | %.2f | %.2f | %.2f | %.2f |\n", m->name, metric_mae(&m->all), metric_mae(&m->trusted),
                metric_rmse(&m->all), metric_rmse(&m->trusted));
    }
    fprintf(f, "| steps | %lld | %lld | | |\n", ev->steps, ev->trusted_steps);
    for (int g = 0; g < EG_COUNT; g++) {
        fprintf(f, "\n| %s |", eval_group_title((enum eval_group)g));
        for (int k = 0; k < ev->n_models; k++)
            fprintf(f, " %s |", ev->m[k].name);
        fprintf(f, " steps |\n|---|");
        for (int k = 0; k <= ev->n_models; k++)
            fprintf(f, "---|");
        fputc('\n', f);
        for (int c = 0; c < eval_group_size(ev, (enum eval_group)g); c++) {
            fprintf(f, "| %s |", eval_group_name(ev, (enum eval_group)g, c));
            for (int k = 0; k < ev->n_models; k++)
                fprintf(f, " %s |", fmt_metric(nb, metric_mae(eval_group_acc(&ev->m[k], (enum eval_group)g, c))));
            fprintf(f, " %lld |\n", eval_group_acc(&ev->m[0], (enum eval_group)g, c)->n);
        }
    }
    if (ev->m[0].has_sigma && ev->m[0].cover_n)
        fprintf(f, "\nCalibration: %.1f %% of steps inside the 50 %% interval, %.1f %% inside the 90 %% interval.\n",
                100.0 * ev->m[0].cover50 / ev->m[0].cover_n, 100.0 * ev->m[0].cover90 / ev->m[0].cover_n);
    if (cx->live)
        live_report_markdown(f, cx->live);
    if (cx->command)
        fprintf(f, "\nRerun:\n\n```sh\n%s\n```\n", cx->command);
    return atomic_commit(&af, e);
}
