/* predict.c — `hrcast predict MODEL FILE...`: predicted HR per step of any importable file or dataset. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "data/runs.h"
#include "cli/eval_calibrate.h"
#include "cli/recent_runs.h"
#include "eval/calibrate.h"
#include "eval/live_report.h"
#include "eval/metrics.h"
#include "model/lstm_model.h"
#include "model/predictor.h"
#include "nn/kernels.h"
#include "util/fileio.h"
#include "util/csv_field.h"
#include "util/json.h"
#include "util/log.h"
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *usage_text =
    "usage: hrcast predict MODEL FILE... [--format csv|json] [--athlete ID] [--gender m|f|u] [--inputs] [--bf16|--int8]\n"
    "                      [--recent-form RUNS]... [-o OUT]\n"
    "\n"
    "Predicts the heart rate of each workout in FILE (FIT, TCX, GPX, CSV, FitRec, seed JSON, or a\n"
    "dataset), on the model's grid. Per step: time, speed, altitude, predicted HR (and sigma for an\n"
    "NLL model), recorded HR when the file has it. A summary line per workout goes to stderr, with\n"
    "the MAE against the recorded HR when there is one. MODEL may be an LSTM, physio or constant model.\n"
    "A workout needs times: a route without them (a planned race) is for hrcast plan MODEL --course\n"
    "FILE --target-time T; a run planned point by point can be given as a CSV of elapsed times with\n"
    "speed and altitude (columns elapsed,speed,altitude; docs/data.md).\n"
    "FILE - reads standard input (a workout file, gzip or not; not a dataset).\n"
    "\n"
    "options:\n"
    "  -f, --format F     csv (default) or json\n"
    "  -o, --output FILE  write there (atomically) instead of stdout\n"
    "      --inputs       (json, LSTM) add each workout's raw, un-normalised feature rows as\n"
    "                     \"inputs\" [steps][features] and write every number unrounded\n"
    "      --athlete ID   predict as this athlete: a physio or constant model then uses the athlete's\n"
    "                     own fitted parameters, an LSTM their HR scale or prior (the model lists the\n"
    "                     athletes it knows)\n"
    "      --gender m|f|u the runner's gender, for files that do not carry it (models that use it;\n"
    "                     u: unknown)\n"
    "      --sample-step S  seconds per sample of seed JSON input (6)\n"
    "      --int8         (LSTM) 8-bit integer products: faster; on real data 0.015 bpm from the FP32\n"
    "                     predictions on average (0.033 without AVX512_VNNI), at most 0.5 bpm\n"
    "      --bf16         (LSTM) bfloat16 products, FP32 sums: faster with AVX512_BF16 (elsewhere emulated:\n"
    "                     no faster, a warning); on real data 0.002 bpm from FP32 on average, at most\n"
    "                     0.03 (docs/performance.md, \"BF16 inference\")\n"
    "      --calibrate W  live forecasting: the recorded HR of the first W (10m, 600s) shifts the\n"
    "                     prediction of the rest by the day's offset, fading with the time since W\n"
    "                     (docs/live.md); the CSV gets an in_window column, the JSON calibrate_s,\n"
    "                     offset_bpm (the shift at W), offset_steps (the steps with HR it was\n"
    "                     measured on) and window_steps, and the MAE counts only steps after the\n"
    "                     window\n"
    "      --trust WARM,K[,TAIL[,PERSIST,TAU]]  seconds of warm-up ignored, the prior strength in\n"
    "                     steps, with TAIL only the window's last TAIL seconds count, and the shift\n"
    "                     fades to PERSIST of it with a time constant of TAU seconds; default\n"
    "                     0,0,30,0.4,450 when the model knows the runner (made by hrcast finetune,\n"
    "                     or a physio/constant model with the workout's athlete's own parameters:\n"
    "                     the last 30 s, fading to 40 % in about 20 minutes), else 0,0,30,0.8,150\n"
    "                     (fading to 80 % in about 7 minutes: a general model's offset is mostly the\n"
    "                     runner's own level); the JSON's trust_* fields say which; `hrcast eval\n"
    "                     --calibrate --trust-on all` learns values on validation data\n"
    "      --recent-form RUNS  the runner's latest recorded runs (a workout file or a dataset; repeat\n"
    "                     the option for several): each prediction is shifted by how far MODEL was off\n"
    "                     on them: the mean residual of the last 3 that started in the 7 days before\n"
    "                     the workout (a planned run, without a time or heart rate, such as a CSV of\n"
    "                     elapsed speeds: the 7 days up to the latest of them; a recording without a\n"
    "                     time: no shift, as in eval), averaged with 3 runs' worth of zero\n"
    "                     (docs/features.md, \"Recent form\");\n"
    "                     with a name (--athlete, or a dataset's athletes) only the same runner's runs\n"
    "                     count (a file that names no one, with the runs of several runners: refused,\n"
    "                     name the runner with --athlete; with --recent-form, --athlete may name a\n"
    "                     runner of the runs given whom the model does not know; a file whose runs\n"
    "                     all name one other runner, as an import names the folder, counts as\n"
    "                     --athlete's, said in a line); the JSON gets\n"
    "                     recent_form_bpm and recent_form_runs. A model with an HR\n"
    "                     scale that does not know the runner (a general model) also takes the runner's\n"
    "                     mean and sd of HR from all the runs given (60 min of HR at least; JSON\n"
    "                     recent_scale_mean_bpm, _sd_bpm, _runs)\n"
    "  -q, --quiet        no summary lines\n"
    "  -h, --help         this text\n"
    "input limits (docs/data.md \"Input limits\"):\n"
    CLI_LIMIT_HELP
    "\n"
    "examples:\n"
    "  hrcast predict model.safetensors morning-run.fit\n"
    "  hrcast predict physio.safetensors race.gpx --format json -o race.json\n"
    "  hrcast predict physio.safetensors new-run.fit --athlete runpandas\n"
    "  hrcast predict model.safetensors morning-run.fit --calibrate 10m\n"
    "  gunzip -c run.fit.gz | hrcast predict model.safetensors -\n"
    "  hrcast predict model.safetensors race.gpx --recent-form mon.fit --recent-form wed.fit --recent-form fri.fit\n";

/* "inputs": the LSTM's raw feature rows of s (hr_lstm_features with normalize = 0). */
static int write_inputs(struct jw *w, const struct hr_lstm *m, const struct series *s, const char *runner,
                        struct hr_err *e)
{
    int F = m->fs->n;
    float *x = malloc(sizeof(float) * (size_t)(s->n ? s->n : 1) * (size_t)F);
    if (!x)
        return hr_fail(e, "out of memory");
    if (hr_lstm_features(m, s, x, 0, e)) {
        free(x);
        return -1;
    }
    /* whose prior, blend (model/blend.h) and HR scale were used: the file's athlete, or, when it names none, a
     * finetuned model's own runner (predictor_runner); the card's Python recipe looks it up here */
    jw_kv_str(w, "athlete", runner);
    jw_key(w, "inputs");
    jw_arr_begin(w);
    for (int t = 0; t < s->n; t++) {
        jw_arr_begin(w);
        for (int f = 0; f < F; f++)
            jw_num(w, x[(size_t)t * F + f]);
        jw_arr_end(w);
    }
    jw_arr_end(w);
    free(x);
    return 0;
}

int cmd_predict(int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, 0, 'f'},
                                         {"output", required_argument, 0, 'o'},
                                         {"sample-step", required_argument, 0, 1},
                                         {"inputs", no_argument, 0, 2},
                                         {"int8", no_argument, 0, 3},
                                         {"bf16", no_argument, 0, 8},
                                         {"athlete", required_argument, 0, 4},
                                         {"gender", required_argument, 0, 5},
                                         {"calibrate", required_argument, 0, 6},
                                         {"trust", required_argument, 0, 7},
                                         {"recent-form", required_argument, 0, 9},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         CLI_LIMIT_OPTIONS,
                                         {0, 0, 0, 0}};
    const char *format = "csv", *out = NULL, *athlete = NULL;
    char gender = 0;
    struct read_opts ro;
    read_opts_default(&ro);
    int c, inputs = 0, prec = LSTM_PREC_FP32, rc_athlete;
    float window = 0;
    struct calib_trust trust = {0};
    int trust_given = 0, n_form_files = 0;
    const char *form_files[CLI_RECENT_MAX];
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:qh", opts, NULL)) != -1) {
        int lr = cli_limit_option("predict", c, optarg, &ro.lim);
        if (lr < 0)
            return 2;
        if (lr > 0)
            continue;
        switch (c) {
        case 'f': format = optarg; break;
        case 'o': out = optarg; break;
        case 1: if (cli_float("predict", "--sample-step", optarg, 0.1, 3600, &ro.sample_step)) return 2; break;
        case 2: inputs = 1; break;
        case 3: if (cli_precision_flag("predict", &prec, LSTM_PREC_INT8)) return 2; break;
        case 8: if (cli_precision_flag("predict", &prec, LSTM_PREC_BF16)) return 2; break;
        case 6: if (cli_calib_window("predict", optarg, &window)) return 2; break;
        case 7: if (cli_calib_trust("predict", optarg, &trust)) return 2; trust_given = 1; break;
        case 9:
            if (n_form_files == (int)(sizeof form_files / sizeof *form_files)) {
                fprintf(stderr, "hrcast predict: --recent-form: at most %d files (a dataset holds any number of "
                                "runs)\n", (int)(sizeof form_files / sizeof *form_files));
                return 2;
            }
            form_files[n_form_files++] = optarg;
            break;
        case 4: athlete = optarg; break;
        case 5:
            if (cli_gender("predict", optarg, &gender))
                return 2;
            break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_help_features(usage_text);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (argc - optind < 2)
        return cli_usage(usage_text, 0);
    if (strcmp(format, "csv") && strcmp(format, "json")) {
        fprintf(stderr, "hrcast predict: --format: '%s' is not csv or json\n", format);
        return 2;
    }
    /* one workout at a time is a batch of 1: its recurrent steps are too small for BLAS threads,
     * which only add synchronisation (bench/predict_latency.sh: 3x slower with 2 threads) */
    nn_set_threads(1);
    int bad_out = cli_check_output("predict", out, (const char *const *)argv + optind, argc - optind);
    if (bad_out)
        return bad_out;
    struct predictor p;
    struct hr_err e = {{0}};
    if (cli_load_model("predict", usage_text, argv[optind], &p))
        return 1;
    /* with --recent-form the runs given may be of a runner the model does not know: checked after reading them */
    if (athlete && !n_form_files && (rc_athlete = cli_check_model_athlete("predict", &p, argv[optind], athlete))) {
        predictor_free(&p);
        return rc_athlete;
    }
    if (cli_set_precision("predict", &p, prec, argv[optind], 1)) {
        predictor_free(&p);
        return 2;
    }
    if (inputs && (strcmp(format, "json") || strcmp(p.kind, "lstm"))) {
        fprintf(stderr, "hrcast predict: --inputs needs --format json and an LSTM model (this is %s)\n", p.kind);
        predictor_free(&p);
        return 2;
    }
    struct form_history form;
    form_history_init(&form);
    struct hr_scale form_scale; /* the model's HR scale: the runs given may replace it for a runner it does not know */
    hr_scale_init(&form_scale);
    if (n_form_files && form_model_scale(&p, &form_scale, &e)) {
        cli_error("predict", e.msg);
        predictor_free(&p);
        return 1;
    }
    if (cli_recent_runs("predict", &p, form_files, n_form_files, &ro, athlete, gender, &form)) {
        form_history_free(&form);
        hr_scale_free(&form_scale);
        predictor_free(&p);
        return 1;
    }
    if (athlete && n_form_files && (rc_athlete = cli_recent_athlete("predict", &p, argv[optind], athlete, &form))) {
        form_history_free(&form);
        hr_scale_free(&form_scale);
        predictor_free(&p);
        return rc_athlete;
    }
    struct atomic_file af;
    FILE *f = stdout;
    if (out) {
        if (atomic_open(&af, out, &e)) {
            cli_error("predict", e.msg);
            form_history_free(&form);
            hr_scale_free(&form_scale);
            predictor_free(&p);
            return 1;
        }
        f = af.f;
    }
    int json = !strcmp(format, "json"), failed = 0;
    struct jw w;
    if (json) {
        jw_init_file(&w, f, 0);
        jw_obj_begin(&w);
        jw_kv_str(&w, "model", argv[optind]);
        jw_kv_str(&w, "model_kind", p.kind);
        jw_key(&w, "workouts");
        jw_arr_begin(&w);
    } else {
        fprintf(f, "workout,source,time_s,speed_mps,altitude_m,hr_pred_bpm%s,hr_actual_bpm%s\n",
                p.has_sigma ? ",hr_sigma_bpm" : "", window > 0 ? ",in_window" : "");
    }
    int wi = 0, flat = 0; /* flat: runs with positions but no altitude (grade 0; altitude 0 m) */
    struct other_runner other = {0}; /* runs a finetuned model predicts as another, unknown athlete */
    char flat_first[256] = "";
    for (int a = optind + 1; a < argc; a++) {
        struct run_list runs;
        if (load_runs(argv[a], p.step, &ro, &runs, &e)) {
            cli_error("predict", e.msg);
            if (runs.no_time)
                cli_planned_route_hint("predict", argv[optind], argv[a]);
            failed = 1;
            continue;
        }
        for (int i = 0; i < runs.n; i++, wi++) {
            struct series *s = &runs.s[i]; /* an owned copy: the options may override its metadata */
            if (athlete)
                snprintf(s->meta.athlete, sizeof s->meta.athlete, "%s", athlete);
            if (gender)
                s->meta.gender = gender;
            if (!athlete) /* with --athlete, whom to predict them as was chosen */
                cli_other_runner_add(&other, &p, predictor_runner(&p, s->meta.athlete));
            if (n_form_files && cli_recent_runner("predict", &form, predictor_runner(&p, s->meta.athlete),
                                                  s->meta.source)) {
                failed = 1;
                continue;
            }
            float *hr = malloc(sizeof(float) * (size_t)(s->n ? s->n : 1));
            float *sg = malloc(sizeof(float) * (size_t)(s->n ? s->n : 1));
            if (!hr || !sg || predictor_predict_blind(&p, s, hr, p.has_sigma ? sg : NULL, &e)) {
                fprintf(stderr, "%s: %s\n", s->meta.source, hr && sg ? e.msg : "out of memory");
                free(hr);
                free(sg);
                failed = 1;
                continue;
            }
            if (!s->meta.has_alt && s->meta.has_gps && flat++ == 0)
                snprintf(flat_first, sizeof flat_first, "%s", s->meta.source);
            struct form_use fu = {0};
            int undated = 0;
            if (n_form_files) { /* before any calibration: its offset is then the day's, on top */
                undated = form_use_series(&form, &form_scale, predictor_runner(&p, s->meta.athlete), s,
                                          series_valid_hr(s) > 0, &fu);
                form_apply(&fu, &form_scale, hr, p.has_sigma ? sg : NULL, s->n);
                if (fu.same_run)
                    hr_warn("%s: the same run is among the runs given for --recent-form: left out there (the HR "
                            "of the run predicted is never used)", s->meta.source);
                if (undated)
                    hr_warn("%s: a recording without a start time: which of the runs given for --recent-form came "
                            "before it is unknown: no shift and no HR scale from them (as eval; a planned run, "
                            "without heart rate, takes the runner's latest runs)", s->meta.source);
            }
            int form_used = fu.runs;
            float form_bpm = fu.shift;
            if (n_form_files && form_used == 0 && !undated)
                cli_recent_none(&form, predictor_runner(&p, s->meta.athlete), s->meta.source);
            struct metric_acc acc;
            metric_reset(&acc);
            struct calib_run cr = {hr, S_HR(s), s->n};
            /* unless given, the default of a model that knows this runner already, or of a general one */
            int knows = predictor_knows_runner(&p, s->meta.athlete);
            struct calib_trust tw = trust_given ? trust : calib_default_trust(knows);
            float offset = window > 0 ? calib_offset(&cr, s->step, window, &tw) : 0.0f;
            int offset_steps = window > 0 ? calib_offset_steps(&cr, s->step, window, &tw) : 0;
            int wsteps = window > 0 ? (int)ceilf(window / s->step - 1e-4f) : 0;
            wsteps = wsteps < s->n ? wsteps : s->n;
            if (window > 0)
                calib_apply(hr, s->n, s->step, window, offset, &tw);
            metric_add(&acc, hr + wsteps, S_HR(s) + wsteps, s->n - wsteps);
            double sum = 0;
            for (int t = 0; t < s->n; t++)
                sum += hr[t];
            if (json) {
                jw_obj_begin(&w);
                jw_kv_str(&w, "source", s->meta.source);
                jw_kv_str(&w, "title", s->meta.title);
                jw_kv_num(&w, "step_s", s->step);
                if (n_form_files) {
                    jw_kv_num(&w, "recent_form_bpm", form_bpm);
                    jw_kv_int(&w, "recent_form_runs", form_used);
                    if (fu.scaled) { /* the runner's HR scale from the runs given */
                        jw_kv_num(&w, "recent_scale_mean_bpm", fu.mean);
                        jw_kv_num(&w, "recent_scale_sd_bpm", fu.sd);
                        jw_kv_int(&w, "recent_scale_runs", fu.scale_runs);
                    }
                }
                if (window > 0) {
                    jw_kv_num(&w, "calibrate_s", window);
                    jw_kv_int(&w, "window_steps", wsteps);
                    jw_kv_num(&w, "offset_bpm", offset);
                    jw_kv_int(&w, "offset_steps", offset_steps);
                    live_trust_json(&w, "trust_", &tw);
                }
                const char *names[] = {"time", "speed", "altitude", "hr_pred", "hr_sigma", "hr_actual"};
                const float *cols[] = {S_TIME(s), S_SPEED(s), S_ALT(s), hr, sg, S_HR(s)};
                for (int k = 0; k < 6; k++) {
                    if (k == 4 && !p.has_sigma)
                        continue;
                    jw_key(&w, names[k]);
                    jw_arr_begin(&w);
                    for (int t = 0; t < s->n; t++)
                        jw_num(&w, inputs ? cols[k][t] : roundf(cols[k][t] * 100) / 100);
                    jw_arr_end(&w);
                }
                if (inputs && write_inputs(&w, p.impl, s, predictor_runner(&p, s->meta.athlete), &e)) { /* p.impl: the hr_lstm */
                    fprintf(stderr, "%s: %s\n", s->meta.source, e.msg);
                    failed = 1;
                }
                jw_key(&w, "summary");
                jw_obj_begin(&w);
                jw_kv_int(&w, "steps", s->n);
                jw_kv_num(&w, "hr_pred_mean", s->n ? sum / s->n : NAN);
                jw_kv_int(&w, "steps_with_actual", acc.n);
                jw_kv_num(&w, "mae", metric_mae(&acc));
                jw_kv_num(&w, "rmse", metric_rmse(&acc));
                jw_obj_end(&w);
                jw_obj_end(&w);
            } else {
                for (int t = 0; t < s->n; t++) {
                    fprintf(f, "%d,", wi);
                    csv_field(f, s->meta.source);
                    fprintf(f, ",%g,%.3f,%.1f,%.1f", S_TIME(s)[t], S_SPEED(s)[t],
                            S_ALT(s)[t], hr[t]);
                    if (p.has_sigma)
                        fprintf(f, ",%.2f", sg[t]);
                    if (isfinite(S_HR(s)[t]))
                        fprintf(f, ",%.1f", S_HR(s)[t]);
                    else
                        fputs(",", f);
                    fputs(window > 0 ? (t < wsteps ? ",1\n" : ",0\n") : "\n", f);
                }
            }
            if (window > 0) {
                char tt[160];
                calib_trust_text(&tw, tt, sizeof tt);
                if (wsteps >= s->n)
                    hr_warn("%s: the run (%d steps of %g s) is not longer than the window of %g s: nothing after it "
                            "to calibrate or score", s->meta.source, s->n, s->step, window);
                else if (offset_steps == 0 && tw.k < CALIB_NEVER)
                    hr_warn("%s: no recorded HR in the part of the first %g s that the trust counts (%s, %s): not "
                            "calibrated (offset 0); --trust 0,0 counts the whole window", s->meta.source, window, tt,
                            trust_given ? "as given" : calib_default_source(knows));
                else
                    hr_info("%s: calibrated on the first %g s (%d steps, the offset from %d with HR; trust: %s, %s): "
                            "offset %+.1f bpm; the MAE below counts only the steps after it", s->meta.source, window,
                            wsteps, offset_steps, tt, trust_given ? "as given" : calib_default_source(knows), offset);
            }
            if (fu.scaled)
                hr_info("%s: the runner's HR scale from %d of the runs given: mean %.1f bpm, sd %.1f bpm (the model "
                        "does not know them)", s->meta.source, fu.scale_runs, fu.mean, fu.sd);
            if (form_used)
                hr_info("%s: recent form: %+.1f bpm from the last %d of the runs given (the %g days before it)",
                        s->meta.source, form_bpm, form_used, FORM_DAYS);
            if (acc.n)
                hr_info("%s: %d steps, predicted mean %.1f bpm; MAE %.2f bpm, RMSE %.2f bpm over %lld recorded steps",
                        s->meta.source, s->n, s->n ? sum / s->n : NAN, metric_mae(&acc), metric_rmse(&acc), acc.n);
            else
                hr_info("%s: %d steps, predicted mean %.1f bpm (no recorded HR to compare)", s->meta.source, s->n,
                        s->n ? sum / s->n : NAN);
            free(hr);
            free(sg);
        }
        run_list_free(&runs);
    }
    if (json) {
        jw_arr_end(&w);
        jw_obj_end(&w);
        fputc('\n', f);
    }
    /* until 2026-12-07 without a word: a finetuned model's own runs re-imported under another name were
     * predicted on the population's scale (MAE 13.4 instead of 7.2 bpm on runpandas) */
    cli_other_runner_warn(&other, &p, argv[optind], "runs given", "--athlete");
    if (flat == 1)
        hr_warn("%s: positions but no altitude: predicted as flat ground (grade 0), as a treadmill run is; "
                "on hills the prediction is off (docs/data.md)", flat_first);
    else if (flat > 1)
        hr_warn("%d of the %d workouts (the first: %s) have positions but no altitude: predicted as flat ground "
                "(grade 0), as a treadmill run is; on hills the prediction is off (docs/data.md)", flat, wi,
                flat_first);
    form_history_free(&form);
    hr_scale_free(&form_scale);
    predictor_free(&p);
    if (out) {
        if (wi == 0) {
            atomic_abort(&af);
            return 1;
        }
        if (atomic_commit(&af, &e)) {
            cli_error("predict", e.msg);
            return 1;
        }
    }
    return failed ? 1 : 0;
}
