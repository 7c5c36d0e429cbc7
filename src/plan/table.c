/* table.c — the plan as rows, text, JSON and a figure (see table.h). */
#include "plan/table.h"
#include "report/plot.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int plan_km_rows(const struct plan_course *c, const struct plan_result *r, struct plan_km **rows)
{
    return plan_km_rows_from(c, r, 0, rows);
}

int plan_km_rows_from(const struct plan_course *c, const struct plan_result *r, double origin_m,
                      struct plan_km **rows)
{
    /* the first boundary: the next whole km of the race after origin (a piece under 1 m joins the next) */
    double first = ceil((origin_m + 1.0) / 1000.0) * 1000.0 - origin_m;
    int n = first >= c->length - 1.0 ? 1 : 1 + (int)ceil((c->length - first) / 1000.0 - 1e-3);
    struct plan_km *k = calloc((size_t)n, sizeof *k);
    if (!k)
        return -1;
    double a = 0, ta = 0;
    for (int i = 0; i < n; i++) {
        double b = i == n - 1 ? c->length : first + 1000.0 * i;
        double tb = plan_time_at(r, b);
        k[i].start_m = a;
        k[i].end_m = b;
        k[i].pace_s_per_km = (tb - ta) / (b - a) * 1000.0;
        k[i].grade_pct = (plan_course_alt(c, b) - plan_course_alt(c, a)) / (b - a) * 100.0;
        k[i].hr_end = plan_hr_at(r, tb);
        k[i].elapsed_s = tb;
        a = b;
        ta = tb;
    }
    *rows = k;
    return n;
}

void plan_fmt_time(double s, int short_form, char *buf, size_t n)
{
    long t = lround(s);
    if (t < 0)
        t = 0;
    if (short_form && t < 3600)
        snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
    else
        snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

static double km_label(const struct plan_km *k)
{
    return k->end_m / 1000.0;
}

/* Distance and time already run (plan --so-far), 0 for a plan from the start. */
/* Seconds above the cap as printed: whole seconds, rounded up, so that a plan above the cap for part of a second
 * never reads "0 s above" beside cap_met false. */
static double above_shown(double s) { return s > 0 ? ceil(s - 1e-9) : 0; }
static double done_m(const struct plan_info *in) { return in->so_far ? in->so_far->dist_m : 0; }
static double done_s(const struct plan_info *in) { return in->so_far ? in->so_far->elapsed_s : 0; }

int plan_print_table(FILE *f, const struct plan_info *in, const struct plan_course *c,
                     const struct plan_result *r, struct hr_err *e)
{
    struct plan_km *k;
    int n = plan_km_rows_from(c, r, done_m(in), &k);
    if (n < 0)
        return hr_fail(e, "plan: out of memory");
    double up, down;
    plan_course_climb(c, &up, &down);
    char tgt[32], fin[32], buf[32];
    plan_fmt_time(in->target_s, 0, tgt, sizeof tgt);
    plan_fmt_time(r->finish_s, 0, fin, sizeof fin);
    fprintf(f, "# course %s: %.3f km, +%.0f m / -%.0f m\n", c->name, c->length / 1000, up, down);
    if (in->fixed_pace)
        plan_fmt_time(in->target_s / c->length * 1000, 1, buf, sizeof buf);
    fprintf(f, "# model %s (%s, step %g s), strategy %s, %s %s%s\n", in->model_path, in->model_kind,
            in->model_step, plan_strategy_name(r->strategy), in->fixed_pace ? "pace" : "target",
            in->fixed_pace ? buf : tgt, in->fixed_pace ? " min/km" : "");
    if (in->recent_form && in->recent_form->scaled)
        fprintf(f, "# your HR scale from %d of your runs: mean %.1f bpm, sd %.1f bpm (the model does not know you)\n",
                in->recent_form->scale_runs, in->recent_form->mean, in->recent_form->sd);
    if (in->recent_form)
        fprintf(f, "# recent form %+.1f bpm (the model's mean residual on your last %d runs, averaged with zero)\n",
                in->recent_form->shift, in->recent_form->runs);
    if (in->so_far) {
        char el[32];
        plan_fmt_time(done_s(in), 0, el, sizeof el);
        char cal[64];
        if (in->so_far->offset_steps > 0)
            snprintf(cal, sizeof cal, "calibrated offset %+.1f bpm", in->so_far->offset);
        else /* a trust of never, or no HR in the part it counts: nothing measured */
            snprintf(cal, sizeof cal, "not calibrated");
        fprintf(f, "# so far %s: %.2f km in %s, %s; the plan below is for the remaining %.2f km (km and elapsed "
                   "from the start)\n",
                in->so_far_path ? in->so_far_path : in->so_far->source, done_m(in) / 1000, el, cal, c->length / 1000);
    }
    fprintf(f, "%6s %6s %7s %7s %9s\n", "km", "pace", "grade%", "HR", "elapsed");
    for (int i = 0; i < n; i++) {
        char pace[16], el[16];
        plan_fmt_time(k[i].pace_s_per_km, 1, pace, sizeof pace);
        plan_fmt_time(k[i].elapsed_s + done_s(in), 0, el, sizeof el);
        double lab = km_label(&k[i]) + done_m(in) / 1000;
        if (fabs(lab - round(lab)) < 1e-6)
            fprintf(f, "%6.0f %6s %+7.1f %7.0f %9s\n", lab, pace, k[i].grade_pct, k[i].hr_end, el);
        else
            fprintf(f, "%6.2f %6s %+7.1f %7.0f %9s\n", lab, pace, k[i].grade_pct, k[i].hr_end, el);
    }
    char avg[16];
    plan_fmt_time(r->finish_s / c->length * 1000, 1, avg, sizeof avg);
    if (in->so_far) {
        char race[32];
        plan_fmt_time(r->finish_s + done_s(in), 0, race, sizeof race);
        fprintf(f, "finish %s (the rest in %s, average %s min/km)\n", race, fin, avg);
    } else
        fprintf(f, "finish %s (average %s min/km)\n", fin, avg);
    fprintf(f, "peak predicted HR %.0f bpm\n", r->score.peak_hr);
    if (isfinite(r->hr_cap))
        fprintf(f, "time above %.0f bpm: %.0f s\n", r->hr_cap, above_shown(r->score.above_cap_s));
    if (r->strategy == PLAN_MIN_PEAK_HR) {
        fprintf(f, "compared: even-pace peak %.1f bpm", r->even_pace.peak_hr);
        if (isfinite(r->hr_cap))
            fprintf(f, " (%.0f s above cap)", above_shown(r->even_pace.above_cap_s));
        fprintf(f, ", even-effort peak %.1f bpm", r->even_effort.peak_hr);
        if (isfinite(r->hr_cap))
            fprintf(f, " (%.0f s above cap)", above_shown(r->even_effort.above_cap_s));
        fprintf(f, ", min-peak-hr peak %.1f bpm; %d model evaluations\n", r->score.peak_hr, r->evals);
    }
    if (isfinite(r->hr_cap) && r->score.above_cap_s > 0) {
        char fast[32], fast_pace[16];
        plan_fmt_time(r->cap_fastest_s, 0, fast, sizeof fast);
        plan_fmt_time(r->cap_fastest_s / c->length * 1000, 1, fast_pace, sizeof fast_pace);
        if (isfinite(r->cap_fastest_s) && r->cap_fastest_s <= in->target_s)
            fprintf(f, "the cap of %.0f bpm is not met by %s in %s; %s stays under it, as fast as %s (%s min/km)\n",
                    r->hr_cap, plan_strategy_name(r->strategy), tgt, plan_strategy_name(r->cap_fastest_by), fast,
                    fast_pace);
        else if (isfinite(r->cap_fastest_s))
            fprintf(f, "the cap of %.0f bpm cannot be met in %s; the fastest finish under it: %s (%s, %s min/km)\n",
                    r->hr_cap, tgt, fast, plan_strategy_name(r->cap_fastest_by), fast_pace);
        else
            fprintf(f, "the cap of %.0f bpm cannot be met in %s, nor by even pace or even effort in up to twice "
                       "that (48 h at most)\n",
                    r->hr_cap, tgt);
    }
    free(k);
    return ferror(f) ? hr_fail(e, "plan: write error") : 0;
}

static void json_score(struct jw *w, const char *key, const struct plan_score *s, double cap)
{
    jw_key(w, key);
    jw_obj_begin(w);
    jw_kv_num(w, "peak_hr", round(s->peak_hr * 10) / 10);
    if (isfinite(cap))
        jw_kv_num(w, "time_above_cap_s", above_shown(s->above_cap_s));
    jw_obj_end(w);
}

int plan_print_json(FILE *f, const struct plan_info *in, const struct plan_course *c,
                    const struct plan_result *r, struct hr_err *e)
{
    struct plan_km *k;
    int n = plan_km_rows_from(c, r, done_m(in), &k);
    if (n < 0)
        return hr_fail(e, "plan: out of memory");
    double up, down;
    plan_course_climb(c, &up, &down);
    struct jw w;
    jw_init_file(&w, f, 0);
    jw_obj_begin(&w);
    jw_key(&w, "model");
    jw_obj_begin(&w);
    jw_kv_str(&w, "path", in->model_path);
    jw_kv_str(&w, "kind", in->model_kind);
    jw_kv_num(&w, "step_s", in->model_step);
    jw_obj_end(&w);
    jw_key(&w, "course");
    jw_obj_begin(&w);
    jw_kv_str(&w, "name", c->name);
    jw_kv_num(&w, "length_m", round(c->length * 10) / 10);
    jw_kv_num(&w, "ascent_m", round(up * 10) / 10);
    jw_kv_num(&w, "descent_m", round(down * 10) / 10);
    jw_kv_bool(&w, "has_altitude", c->has_alt);
    jw_obj_end(&w);
    if (in->recent_form) {
        const struct form_use *u = in->recent_form;
        jw_key(&w, "recent_form");
        jw_obj_begin(&w);
        jw_kv_num(&w, "shift_bpm", round(u->shift * 100) / 100);
        jw_kv_int(&w, "runs", u->runs);
        if (u->scaled) {
            jw_kv_num(&w, "scale_mean_bpm", round(u->mean * 100) / 100);
            jw_kv_num(&w, "scale_sd_bpm", round(u->sd * 100) / 100);
            jw_kv_int(&w, "scale_runs", u->scale_runs);
        }
        jw_obj_end(&w);
    }
    if (in->so_far) {
        jw_key(&w, "so_far");
        jw_obj_begin(&w);
        jw_kv_str(&w, "file", in->so_far_path ? in->so_far_path : in->so_far->source);
        jw_kv_num(&w, "distance_m", round(done_m(in) * 10) / 10);
        jw_kv_num(&w, "elapsed_s", done_s(in));
        jw_kv_num(&w, "offset_bpm", round(in->so_far->offset * 100) / 100);
        jw_kv_int(&w, "hr_steps", in->so_far->hr_steps);
        jw_kv_int(&w, "offset_steps", in->so_far->offset_steps); /* 0: not calibrated */
        jw_kv_num(&w, "trust_warm_s", in->so_far->trust.warm_s);
        jw_kv_num(&w, "trust_k_steps", in->so_far->trust.k >= CALIB_NEVER ? -1 : in->so_far->trust.k);
        jw_kv_num(&w, "trust_tail_s", in->so_far->trust.tail_s);
        jw_kv_num(&w, "trust_persist", rint(1e4 * in->so_far->trust.persist) / 1e4); /* 0.4, not 0.4000000059 */
        jw_kv_num(&w, "trust_tau_s", in->so_far->trust.tau_s);
        jw_kv_num(&w, "race_finish_time_s", round((r->finish_s + done_s(in)) * 1000) / 1000);
        jw_obj_end(&w);
    }
    jw_kv_str(&w, "strategy", plan_strategy_name(r->strategy));
    jw_kv_num(&w, "target_time_s", in->target_s);
    jw_kv_bool(&w, "fixed_pace", in->fixed_pace);
    jw_kv_num(&w, "finish_time_s", round(r->finish_s * 1000) / 1000);
    jw_kv_num(&w, "average_pace_s_per_km", round(r->finish_s / c->length * 1e6) / 1000);
    jw_kv_num(&w, "peak_hr", round(r->score.peak_hr * 10) / 10);
    if (isfinite(r->hr_cap)) {
        jw_kv_num(&w, "hr_cap", r->hr_cap);
        jw_kv_num(&w, "time_above_cap_s", above_shown(r->score.above_cap_s));
    } else {
        jw_key(&w, "hr_cap");
        jw_null(&w);
        jw_kv_num(&w, "time_above_cap_s", 0);
    }
    jw_kv_bool(&w, "cap_met", !isfinite(r->hr_cap) || r->score.above_cap_s <= 0);
    jw_key(&w, "cap_fastest_time_s"); /* the fastest finish under the cap, when this plan is not */
    if (isfinite(r->cap_fastest_s))
        jw_num(&w, r->cap_fastest_s);
    else
        jw_null(&w);
    jw_kv_int(&w, "evaluations", r->evals);
    jw_kv_int(&w, "segments", r->nseg);
    jw_kv_num(&w, "segment_m", round(r->seg_len * 1000) / 1000);
    jw_key(&w, "compare");
    jw_obj_begin(&w);
    json_score(&w, "even-pace", &r->even_pace, r->hr_cap);
    json_score(&w, "even-effort", &r->even_effort, r->hr_cap);
    if (r->strategy == PLAN_MIN_PEAK_HR) /* the other two are already there: no duplicate key */
        json_score(&w, plan_strategy_name(r->strategy), &r->score, r->hr_cap);
    jw_obj_end(&w);
    jw_key(&w, "km");
    jw_arr_begin(&w);
    for (int i = 0; i < n; i++) {
        jw_obj_begin(&w);
        jw_kv_num(&w, "km", round((km_label(&k[i]) + done_m(in) / 1000) * 1000) / 1000);
        jw_kv_num(&w, "pace_s_per_km", round(k[i].pace_s_per_km * 10) / 10);
        jw_kv_num(&w, "grade_pct", round(k[i].grade_pct * 100) / 100);
        jw_kv_num(&w, "hr_end", round(k[i].hr_end * 10) / 10);
        jw_kv_num(&w, "elapsed_s", round((k[i].elapsed_s + done_s(in)) * 10) / 10);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    fputc('\n', f);
    free(k);
    return jw_status(&w) || ferror(f) ? hr_fail(e, "plan: write error") : 0;
}

int plan_plot(const char *path, const struct plan_info *in, const struct plan_course *c,
              const struct plan_result *r, struct hr_err *e)
{
    /* along the course: one point per model grid step (HR) and per segment edge (pace) */
    int n = r->s.n;
    size_t np = (size_t)r->nseg * 2;
    float *dk = malloc(sizeof(float) * (size_t)n), *hr = malloc(sizeof(float) * (size_t)n);
    float *px = malloc(sizeof(float) * np), *pace = malloc(sizeof(float) * np);
    int na = c->n;
    float *ax = malloc(sizeof(float) * (size_t)na);
    struct plot_fig *f = plot_fig_new(1100, 760);
    int rc = -1;
    if (!dk || !hr || !px || !pace || !ax || !f) {
        hr_fail(e, "%s: out of memory", path);
        goto done;
    }
    /* distances from the race's start, as the table counts them: after --so-far the course is the rest, which
     * starts where the part run ended (until 2026-12-07 the plot's axis began at 0 there) */
    double x0 = done_m(in) / 1000;
    int m = 0;
    for (int k = 0; k < n && k * (double)r->s.step <= r->finish_s + 1e-9; k++, m++) {
        dk[m] = (float)(x0 + plan_dist_at(r, k * (double)r->s.step) / 1000);
        hr[m] = r->hr[k];
    }
    for (int i = 0; i < r->nseg; i++) {
        px[2 * i] = (float)(x0 + i * r->seg_len / 1000);
        px[2 * i + 1] = (float)(x0 + (i + 1) * r->seg_len / 1000);
        pace[2 * i] = pace[2 * i + 1] = (float)(1000.0 / r->seg_speed[i] / 60.0);
    }
    for (int i = 0; i < na; i++)
        ax[i] = (float)(x0 + i * c->spacing / 1000);
    char title[400], fin[32], from[48] = "";
    plan_fmt_time(done_s(in) + r->finish_s, 0, fin, sizeof fin);
    if (in->so_far)
        snprintf(from, sizeof from, " from km %.2f", x0);
    const char *base = strrchr(c->name, '/'); /* the course's file name, not its whole path */
    snprintf(title, sizeof title, "%.120s - %.2f km%s - %s - finish %s - %.60s", base && base[1] ? base + 1 : c->name,
             c->length / 1000, from, plan_strategy_name(r->strategy), fin, in->model_kind);
    plot_fig_title(f, title);
    plot_fig_xlabel(f, in->so_far ? "distance from the start (km)" : "distance (km)");
    plot_fig_xlim(f, x0, x0 + c->length / 1000);
    struct plot_panel *p = plot_fig_panel(f, 2.0);
    plot_panel_ylabel(p, "predicted HR (bpm)");
    plot_line(p, dk, hr, (size_t)m, plot_style_line(PLOT_RED, 1.8f), "predicted HR");
    if (isfinite(r->hr_cap))
        plot_refline(p, 0, r->hr_cap, 1, r->hr_cap, plot_style_dashed(PLOT_GRAY, 1.2f, 6, 4), "HR cap");
    char note[96];
    snprintf(note, sizeof note, "peak %.0f bpm", r->score.peak_hr);
    plot_panel_note(p, note);
    struct plot_panel *q = plot_fig_panel(f, 1.0);
    plot_panel_ylabel(q, "pace (min/km)");
    plot_panel_ystyle(q, TICK_MMSS);
    plot_panel_yinvert(q, 1);
    plot_line(q, px, pace, np, plot_style_line(PLOT_BLUE, 1.4f), NULL);
    struct plot_panel *a = plot_fig_panel(f, 1.0);
    plot_panel_ylabel(a, "altitude (m)");
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < na; i++) {
        lo = fmin(lo, c->alt[i]);
        hi = fmax(hi, c->alt[i]);
    }
    double mid = 0.5 * (lo + hi), half = fmax(0.5 * (hi - lo) * 1.08, 5.0);
    plot_panel_ylim(a, mid - half, mid + half);
    plot_band(a, ax, NULL, c->alt, (size_t)na, rgba_hex(PLOT_GREEN, 40), NULL);
    plot_line(a, ax, c->alt, (size_t)na, plot_style_line(PLOT_GREEN, 1.2f), NULL);
    rc = plot_fig_save(f, path, e);
done:
    plot_fig_free(f);
    free(dk);
    free(hr);
    free(px);
    free(pace);
    free(ax);
    return rc;
}
