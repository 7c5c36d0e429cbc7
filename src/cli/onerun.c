/* onerun.c — see onerun.h. */
#include "cli/onerun.h"
#include "cli/cliutil.h"
#include "util/log.h"
#include <getopt.h>
#include "eval/metrics.h"
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int onerun_load(struct onerun *r, const char *cmd, const char *usage_text, const char *model, const char *file,
                int which)
{
    memset(r, 0, sizeof *r);
    r->mae = NAN;
    struct hr_err e = {{0}};
    if (cli_load_model(cmd, usage_text, model, &r->p))
        return -1;
    if (load_runs(file, r->p.step, NULL, &r->runs, &e)) {
        cli_error(cmd, e.msg);
        predictor_free(&r->p);
        return -1;
    }
    if (which < 0 || which >= r->runs.n) {
        fprintf(stderr, "hrcast %s: %s holds %d workout(s); --index %d is out of range\n", cmd, file, r->runs.n, which);
        onerun_free(r);
        return -1;
    }
    r->s = &r->runs.s[which];
    size_t n = (size_t)(r->s->n ? r->s->n : 1);
    r->hr = malloc(sizeof(float) * n);
    r->sigma = malloc(sizeof(float) * n);
    /* the model sees speed and terrain only: predict from a copy without the recorded HR */
    struct series blind = *r->s;
    float *nan_hr = malloc(sizeof(float) * n);
    if (!r->hr || !r->sigma || !nan_hr) {
        free(nan_hr);
        fprintf(stderr, "hrcast %s: out of memory\n", cmd);
        onerun_free(r);
        return -1;
    }
    for (int t = 0; t < r->s->n; t++)
        nan_hr[t] = NAN;
    blind.ch[CH_HR] = nan_hr;
    int rc = predictor_predict(&r->p, &blind, r->hr, r->p.has_sigma ? r->sigma : NULL, &e);
    free(nan_hr);
    if (rc) {
        cli_error(cmd, e.msg);
        onerun_free(r);
        return -1;
    }
    struct metric_acc acc;
    metric_reset(&acc);
    metric_add(&acc, r->hr, S_HR(r->s), r->s->n);
    r->mae = metric_mae(&acc);
    char base[512];
    snprintf(base, sizeof base, "%s", r->s->meta.source);
    snprintf(r->anim_title, sizeof r->anim_title, "%s - %s model", basename(base), r->p.kind);
    if (acc.n)
        snprintf(r->title, sizeof r->title, "%s - %s model, MAE %.1f bpm", basename(base), r->p.kind, r->mae);
    else
        snprintf(r->title, sizeof r->title, "%s - %s model (no recorded HR)", basename(base), r->p.kind);
    return 0;
}

void onerun_plot(const struct onerun *r, struct workout_plot *wp)
{
    memset(wp, 0, sizeof *wp);
    const struct series *s = r->s;
    wp->t = S_TIME(s);
    wp->hr_actual = series_valid_hr(s) ? S_HR(s) : NULL;
    wp->hr_pred = r->hr;
    wp->hr_sigma = r->p.has_sigma ? r->sigma : NULL;
    wp->speed = S_SPEED(s);
    wp->altitude = s->meta.has_alt ? S_ALT(s) : NULL;
    wp->n = (size_t)s->n;
    wp->title = r->title;
    wp->pace = 1;
}

void onerun_free(struct onerun *r)
{
    free(r->hr);
    free(r->sigma);
    run_list_free(&r->runs);
    predictor_free(&r->p);
    memset(r, 0, sizeof *r);
}

/* -o names what is written: .gif for animate, .png or .svg for plot (any case) */
static int has_picture_ext(const char *path, int animate)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return 0;
    return animate ? !strcasecmp(dot, ".gif") : !strcasecmp(dot, ".png") || !strcasecmp(dot, ".svg");
}

int onerun_command(int argc, char **argv, const char *cmd, const char *usage_text, int animate)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'}, {"index", required_argument, 0, 1},
                                         {"frames", required_argument, 0, 2},   {"help", no_argument, 0, 'h'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {0, 0, 0, 0}};
    const char *out = NULL;
    long which = 0, frames = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 1: if (cli_int(cmd, "--index", optarg, 0, 100000000, &which)) return 2; break;
        case 2: if (cli_int(cmd, "--frames", optarg, 2, 2000, &frames)) return 2; break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_usage(usage_text, 1);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (!out || argc - optind != 2) {
        if (!out)
            fprintf(stderr, "hrcast %s: missing -o OUT\n", cmd);
        return cli_usage(usage_text, 0);
    }
    if (!has_picture_ext(out, animate)) {
        fprintf(stderr, "hrcast %s: -o %s: %s\n", cmd, out,
                animate ? "an animation is a GIF: give a name ending in .gif"
                        : "unknown picture type: give a name ending in .png or .svg (hrcast animate writes .gif)");
        return 2;
    }
    struct onerun r;
    int bad_out = cli_check_output(cmd, out, (const char *const *)argv + optind, 2);
    if (bad_out)
        return bad_out;
    if (onerun_load(&r, cmd, usage_text, argv[optind], argv[optind + 1], (int)which))
        return 1;
    struct workout_plot wp;
    onerun_plot(&r, &wp);
    if (animate)
        wp.title = r.anim_title;
    struct anim_opts ao = {.frames = (int)frames};
    struct hr_err e = {{0}};
    int rc = animate ? animate_workout(&wp, &ao, out, &e) : plot_workout(&wp, out, &e);
    if (rc)
        cli_error(cmd, e.msg);
    else
        hr_info("wrote %s (%s)", out, r.title);
    onerun_free(&r);
    return rc ? 1 : 0;
}
