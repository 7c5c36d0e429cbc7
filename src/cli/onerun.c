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
                int which, const struct onerun_who *who)
{
    memset(r, 0, sizeof *r);
    r->mae = NAN;
    struct hr_err e = {{0}};
    if (cli_load_model(cmd, usage_text, model, &r->p))
        return 1;
    int rc = who->athlete ? cli_check_model_athlete(cmd, &r->p, model, who->athlete) : 0;
    if (rc) {
        predictor_free(&r->p);
        return rc;
    }
    if (load_runs(file, r->p.step, NULL, &r->runs, &e)) {
        cli_error(cmd, e.msg);
        if (r->runs.no_time)
            cli_planned_route_hint(cmd, model, file);
        predictor_free(&r->p);
        return 1;
    }
    if (which < 0 || which >= r->runs.n) {
        fprintf(stderr, "hrcast %s: %s holds %d workout(s); --index %d is out of range\n", cmd, file, r->runs.n, which);
        onerun_free(r);
        return 1;
    }
    struct series *s = &r->runs.s[which]; /* an owned copy: the options may override its metadata */
    char own[sizeof s->meta.athlete];
    memcpy(own, s->meta.athlete, sizeof own);
    if (who->athlete)
        snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", who->athlete);
    if (who->gender)
        s->meta.gender = who->gender;
    r->s = s;
    size_t n = (size_t)(s->n ? s->n : 1);
    r->hr = malloc(sizeof(float) * n);
    r->sigma = malloc(sizeof(float) * n);
    if (!r->hr || !r->sigma) {
        fprintf(stderr, "hrcast %s: out of memory\n", cmd);
        onerun_free(r);
        return 1;
    }
    /* the model sees speed and terrain only: predicted with the recorded HR hidden */
    if (predictor_predict_blind(&r->p, s, r->hr, r->p.has_sigma ? r->sigma : NULL, &e)) {
        cli_error(cmd, e.msg);
        onerun_free(r);
        return 1;
    }
    struct metric_acc acc;
    metric_reset(&acc);
    metric_add(&acc, r->hr, S_HR(s), s->n);
    r->mae = metric_mae(&acc);
    if (!who->athlete) { /* a finetuned model's runs under another name (until 2026-12-07 without a word) */
        struct other_runner other = {0};
        cli_other_runner_add(&other, &r->p, predictor_runner(&r->p, s->meta.athlete));
        cli_other_runner_warn(&other, &r->p, model, "runs drawn", "--athlete");
    }
    char base[512], as[160] = "";
    const char *runner = predictor_runner(&r->p, s->meta.athlete);
    if (runner[0] && strcmp(runner, own)) /* whose scale or parameters, when not the file's own athlete */
        snprintf(as, sizeof as, " as runner %.64s%s", runner, who->athlete ? "" : " (its finetuned runner)");
    snprintf(base, sizeof base, "%s", s->meta.source);
    snprintf(r->anim_title, sizeof r->anim_title, "%s - %s model%s", basename(base), r->p.kind, as);
    if (acc.n)
        snprintf(r->title, sizeof r->title, "%s - %s model%s, MAE %.1f bpm", basename(base), r->p.kind, as, r->mae);
    else
        snprintf(r->title, sizeof r->title, "%s - %s model%s (no recorded HR)", basename(base), r->p.kind, as);
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
                                         {"frames", required_argument, 0, 2},   {"athlete", required_argument, 0, 3},
                                         {"gender", required_argument, 0, 4},   {"help", no_argument, 0, 'h'},
                                         {"quiet", no_argument, 0, 'q'},        {0, 0, 0, 0}};
    const char *out = NULL;
    long which = 0, frames = 0;
    struct onerun_who who = {0};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 1: if (cli_int(cmd, "--index", optarg, 0, 100000000, &which)) return 2; break;
        case 2:
            if (!animate) { /* the option table is animate's too: a picture has no frames */
                fprintf(stderr, "hrcast %s: --frames is an option of %s animate (a GIF); a picture has no frames\n",
                        cmd, cli_program());
                return 2;
            }
            if (cli_int(cmd, "--frames", optarg, 2, 2000, &frames)) return 2;
            break;
        case 3: who.athlete = optarg; break;
        case 4: if (cli_gender(cmd, optarg, &who.gender)) return 2; break;
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
    int rc = cli_check_output(cmd, out, (const char *const *)argv + optind, 2);
    if (rc)
        return rc;
    if ((rc = onerun_load(&r, cmd, usage_text, argv[optind], argv[optind + 1], (int)which, &who)))
        return rc;
    struct workout_plot wp;
    onerun_plot(&r, &wp);
    if (animate)
        wp.title = r.anim_title;
    struct anim_opts ao = {.frames = (int)frames};
    struct hr_err e = {{0}};
    rc = animate ? animate_workout(&wp, &ao, out, &e) : plot_workout(&wp, out, &e);
    if (rc)
        cli_error(cmd, e.msg);
    else
        hr_info("wrote %s (%s)", out, r.title);
    onerun_free(&r);
    return rc ? 1 : 0;
}
