/* plan.c — `hrcast plan MODEL --course FILE|--distance M --target-time T|--pace P`: a race pacing plan
 * scored (and, for min-peak-hr, optimised) with any hrcast model. Method: docs/plan.md. */
#include "cli/cliutil.h"
#include "cli/commands.h"
#include "cli/eval_calibrate.h"
#include "cli/recent_runs.h"
#include "model/predictor.h"
#include "plan/course.h"
#include "plan/optimiser.h"
#include "plan/so_far.h"
#include "plan/table.h"
#include "util/log.h"
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *usage_text =
    "usage: hrcast plan MODEL (--course FILE | --distance M) (--target-time T | --pace P) [options]\n"
    "\n"
    "Plans the pacing of a race and predicts its heart rate with MODEL (LSTM, physio or constant).\n"
    "The course is a GPX route or track (times not needed), TCX, FIT or any file hrcast reads, or a\n"
    "flat distance. Prints per kilometre: pace, mean grade, predicted HR at the end of the km and the\n"
    "elapsed time; then the finish time, peak predicted HR and time above --hr-cap.\n"
    "\n"
    "strategies (--strategy):\n"
    "  even-pace     the same speed everywhere (the default with --pace)\n"
    "  even-effort   grade-adjusted: speed inversely proportional to the Minetti 2002 cost of the grade\n"
    "  min-peak-hr   start from the better of the two and search, with the model in the loop, for the\n"
    "                plan with the lowest predicted peak HR (with --hr-cap: the least time above the\n"
    "                cap, then the lowest peak) at the same finish time, never worse than either of the\n"
    "                two by that measure (the default with --target-time)\n"
    "\n"
    "options:\n"
    "      --course FILE      course file (first track/route/activity in it)\n"
    "  -d, --distance D       flat course: \"42195\", \"42195m\", \"21.1km\", \"26.2mi\"\n"
    "      --target-time T    finish time h:mm:ss (or m:ss, or seconds)\n"
    "      --pace P           average pace instead of a target time: m:ss per km, or \"6:50/mi\"\n"
    "  -s, --strategy S       even-pace, even-effort or min-peak-hr\n"
    "      --hr-cap BPM       heart rate to stay under; reports the time above it, and when the plan\n"
    "                         cannot stay under it, the fastest finish at which even pace or even\n"
    "                         effort does\n"
    "      --max-change PCT   min-peak-hr: paces of consecutive km differ by at most PCT % (2)\n"
    "      --max-start PCT    min-peak-hr: the first km at most PCT % faster than the average (3)\n"
    "      --max-spread PCT   min-peak-hr: every km within PCT % of the average pace (6)\n"
    "                         (the three limits apply to grade-adjusted pace: hills still slow it)\n"
    "      --gender m|f       runner's gender (models that use it)\n"
    "      --athlete ID       athlete id (a physio model's personal parameters, an LSTM's HR scale)\n"
    "      --segment M        segment length of the plan in metres (100)\n"
    "      --max-evals N      model evaluations for min-peak-hr (240)\n"
    "      --plot FILE        figure of HR, pace and altitude along the course (.png or .svg)\n"
    "      --so-far FILE      re-plan during the race: FILE is the part already run (FIT, TCX, GPX,\n"
    "                         CSV with heart rate); its HR calibrates the model and the plan covers\n"
    "                         the rest of the course, with --target-time still the whole race's\n"
    "                         finish time (km and elapsed times in the output count from the start)\n"
    "      --trust WARM,K[,TAIL[,PERSIST,TAU]]  --so-far calibration: warm-up seconds ignored,\n"
    "                         prior strength in steps, with TAIL only the last TAIL seconds count,\n"
    "                         and the shift fades to PERSIST of it with a time constant of TAU s\n"
    "                         (0,0,30,0.4,450 when the model knows the runner: finetuned, or\n"
    "                         physio with --athlete's parameters; 0,0,30,0.8,150 for a general\n"
    "                         one; as predict --calibrate, docs/live.md)\n"
    "      --recent-form RUNS your latest recorded runs (a workout file or a dataset; repeat the\n"
    "                         option for several): every prediction is shifted by how far MODEL was\n"
    "                         off on the last 3 of them within 7 days of the latest, averaged with 3\n"
    "                         runs' worth of zero (docs/features.md, \"Recent form\"); a general model\n"
    "                         with an HR scale also takes your mean and sd of HR from them; the\n"
    "                         runs of several runners (a dataset) need --athlete ID, and only that\n"
    "                         runner's count (the model need not know them); with --athlete a file\n"
    "                         whose runs all name one other runner (an import names the folder)\n"
    "                         counts as theirs\n"
    "      --json             one JSON object on stdout instead of the table\n"
    "  -q, --quiet            no progress lines on stderr\n"
    "  -h, --help             this text\n"

    "\n"
    "examples:\n"
    "  hrcast plan model.safetensors --distance 42195 --target-time 2:59:59 --hr-cap 170\n"
    "  hrcast plan physio.safetensors --course hilly-10k.gpx --pace 4:15 --plot plan.png\n"
    "  hrcast plan physio.safetensors --distance 26.2mi --pace 6:50/mi\n"
    "  hrcast plan model.safetensors --distance 42195 --target-time 2:59:59 --so-far first-15k.fit\n"
    "  hrcast plan model.safetensors --distance 21.1km --target-time 1:29:00 --recent-form last-week.hrd\n";

#define METRES_PER_MILE 1609.344

/* "42195", "42195m", "42.195km", "42.195k", "26.2mi", "26.2mile(s)" -> metres */
static int parse_distance(const char *text, double *m)
{
    char *end;
    double v = strtod(text, &end);
    if (end == text || !isfinite(v))
        return -1;
    if (!strcmp(end, "km") || !strcmp(end, "k"))
        v *= 1000;
    else if (!strcmp(end, "mi") || !strcmp(end, "mile") || !strcmp(end, "miles"))
        v *= METRES_PER_MILE;
    else if (*end && strcmp(end, "m"))
        return -1;
    *m = v;
    return 0;
}

/* "4:15", "4:15/km", "6:50/mi" -> seconds per km. A bare number is refused: 4.25 could mean 4:25 or 4:15
 * (it was read as 4.25 seconds per km). */
static int parse_pace(const char *text, double *s_per_km)
{
    char clock[64];
    const char *slash = strchr(text, '/');
    size_t n = slash ? (size_t)(slash - text) : strlen(text);
    if (n >= sizeof clock)
        return -1;
    memcpy(clock, text, n);
    clock[n] = '\0';
    double per = 1000;
    if (slash && !strcmp(slash, "/mi"))
        per = METRES_PER_MILE;
    else if (slash && strcmp(slash, "/km"))
        return -1;
    double s;
    if (!strchr(clock, ':') || cli_duration(clock, &s) || !(s > 0))
        return -1;
    *s_per_km = s * 1000 / per;
    return 0;
}

int cmd_plan(int argc, char **argv)
{
    enum { O_HRCAP = 256, O_GENDER, O_ATHLETE, O_SEGMENT, O_EVALS, O_PLOT, O_JSON, O_COURSE, O_TARGET, O_PACE,
           O_MAX_CHANGE, O_MAX_START, O_MAX_SPREAD, O_SO_FAR, O_TRUST, O_RECENT };
    static const struct option opts[] = {{"course", required_argument, 0, O_COURSE},
                                         {"distance", required_argument, 0, 'd'},
                                         {"target-time", required_argument, 0, O_TARGET},
                                         {"pace", required_argument, 0, O_PACE},
                                         {"max-change", required_argument, 0, O_MAX_CHANGE},
                                         {"max-start", required_argument, 0, O_MAX_START},
                                         {"max-spread", required_argument, 0, O_MAX_SPREAD},
                                         {"strategy", required_argument, 0, 's'},
                                         {"hr-cap", required_argument, 0, O_HRCAP},
                                         {"gender", required_argument, 0, O_GENDER},
                                         {"athlete", required_argument, 0, O_ATHLETE},
                                         {"segment", required_argument, 0, O_SEGMENT},
                                         {"max-evals", required_argument, 0, O_EVALS},
                                         {"plot", required_argument, 0, O_PLOT},
                                         {"json", no_argument, 0, O_JSON},
                                         {"so-far", required_argument, 0, O_SO_FAR},
                                         {"trust", required_argument, 0, O_TRUST},
                                         {"recent-form", required_argument, 0, O_RECENT},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *course_path = NULL, *plot = NULL, *target_text = NULL, *pace_text = NULL, *so_far_path = NULL;
    struct calib_trust trust = CALIB_PERSONAL_TRUST; /* replaced by the model's default unless given */
    int trust_given = 0, n_recent = 0;
    const char *recent[CLI_RECENT_MAX];
    double distance = NAN;
    long lv;
    int json = 0, strategy = -1;
    struct plan_opts po;
    plan_opts_default(&po);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:s:qh", opts, NULL)) != -1) {
        switch (c) {
        case O_COURSE: course_path = optarg; break;
        case 'd':
            if (parse_distance(optarg, &distance) || distance < PLAN_COURSE_MIN_M || distance > PLAN_COURSE_MAX_M) {
                fprintf(stderr, "hrcast plan: --distance: '%s' is not a distance in [%.0f, %.0f] m\n", optarg,
                        PLAN_COURSE_MIN_M, PLAN_COURSE_MAX_M);
                return 2;
            }
            break;
        case O_TARGET: target_text = optarg; break;
        case O_PACE: pace_text = optarg; break;
        case O_MAX_CHANGE: if (cli_float("plan", "--max-change", optarg, 0.1, 100, &po.max_change)) return 2; break;
        case O_MAX_START: if (cli_float("plan", "--max-start", optarg, 0, 100, &po.max_start)) return 2; break;
        case O_MAX_SPREAD: if (cli_float("plan", "--max-spread", optarg, 0.1, 100, &po.max_spread)) return 2; break;
        case 's':
            strategy = plan_strategy_parse(optarg);
            if (strategy < 0) {
                fprintf(stderr, "hrcast plan: --strategy: '%s' is not even-pace, even-effort or min-peak-hr\n", optarg);
                return 2;
            }
            break;
        case O_HRCAP: if (cli_float("plan", "--hr-cap", optarg, 40, 240, &po.hr_cap)) return 2; break;
        case O_GENDER:
            if ((optarg[0] != 'm' && optarg[0] != 'f' && optarg[0] != 'u') ||
                (optarg[1] && strcmp(optarg, "male") && strcmp(optarg, "female"))) {
                fprintf(stderr, "hrcast plan: --gender: '%s' is not m or f\n", optarg);
                return 2;
            }
            po.gender = optarg[0];
            break;
        case O_ATHLETE: snprintf(po.athlete, sizeof po.athlete, "%s", optarg); break;
        case O_SEGMENT: if (cli_float("plan", "--segment", optarg, 10, 5000, &po.seg_len)) return 2; break;
        case O_EVALS: if (cli_int("plan", "--max-evals", optarg, 2, 100000, &lv)) return 2; po.max_evals = (int)lv; break;
        case O_PLOT: plot = optarg; break;
        case O_JSON: json = 1; break;
        case O_SO_FAR: so_far_path = optarg; break;
        case O_TRUST: if (cli_calib_trust("plan", optarg, &trust)) return 2; trust_given = 1; break;
        case O_RECENT:
            if (n_recent == CLI_RECENT_MAX) {
                fprintf(stderr, "hrcast plan: --recent-form: at most %d files (a dataset holds any number of "
                                "runs)\n", CLI_RECENT_MAX);
                return 2;
            }
            recent[n_recent++] = optarg;
            break;
        case 'q': hr_log_set_level(HR_LOG_QUIET); break;
        case 'h': return cli_usage(usage_text, 1);
        default: return cli_usage(usage_text, 0);
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "hrcast plan: give exactly one MODEL file\n");
        return cli_usage(usage_text, 0);
    }
    if ((course_path != NULL) == !isnan(distance)) {
        fprintf(stderr, "hrcast plan: give either --course FILE or --distance M (one of them)\n");
        return 2;
    }
    if (trust_given && !so_far_path) {
        fprintf(stderr, "hrcast plan: --trust calibrates on the part already run: give --so-far FILE with it\n");
        return 2;
    }
    if ((target_text != NULL) == (pace_text != NULL)) {
        fprintf(stderr, "hrcast plan: give either --target-time T or --pace P (one of them)\n");
        return 2;
    }
    double target = NAN, pace = NAN;
    if (target_text && (cli_duration(target_text, &target) || !(target > 0))) {
        fprintf(stderr, "hrcast plan: --target-time: '%s' is not a time like 2:59:59\n", target_text);
        return 2;
    }
    if (pace_text && parse_pace(pace_text, &pace)) {
        fprintf(stderr, "hrcast plan: --pace: '%s' is not a pace like 4:15 (min:s per km) or 6:50/mi; decimal minutes are ambiguous (4.25: "
                "4:25 or 4:15?)\n", pace_text);
        return 2;
    }
    po.strategy = strategy >= 0 ? (enum plan_strategy)strategy : pace_text ? PLAN_EVEN_PACE : PLAN_MIN_PEAK_HR;

    struct hr_err e = {{0}};
    struct plan_course course;
    if (course_path ? plan_course_load(course_path, &course, &e) : plan_course_flat(&course, distance, &e)) {
        cli_error("plan", e.msg);
        return 1;
    }
    if (course_path && !course.has_alt)
        hr_warn("%s: the course has no altitude; planning it as flat", course_path);
    struct predictor p;
    if (cli_load_model("plan", usage_text, argv[optind], &p)) {
        plan_course_free(&course);
        return 1;
    }
    /* with --recent-form the runs given may be of a runner the model does not know: checked after reading them */
    int rc_athlete = po.athlete[0] && !n_recent ? cli_check_model_athlete("plan", &p, argv[optind], po.athlete) : 0;
    if (rc_athlete) {
        predictor_free(&p);
        plan_course_free(&course);
        return rc_athlete;
    }
    struct form_use fu = {0};
    if (n_recent) { /* the runner's recent form shifts every prediction of the plan */
        struct form_history h;
        form_history_init(&h);
        struct read_opts ro;
        read_opts_default(&ro);
        if (cli_recent_runs("plan", &p, recent, n_recent, &ro, po.athlete, po.gender != 'u' ? po.gender : 0, &h)) {
            form_history_free(&h);
            predictor_free(&p);
            plan_course_free(&course);
            return 1;
        }
        int bad = po.athlete[0] ? cli_recent_athlete("plan", &p, argv[optind], po.athlete, &h)
                                : cli_recent_runner("plan", &h, predictor_runner(&p, ""), "the plan");
        if (bad) {
            form_history_free(&h);
            predictor_free(&p);
            plan_course_free(&course);
            return bad;
        }
        struct hr_scale sc;
        if (form_model_scale(&p, &sc, &e) == 0) {
            form_use(&h, &sc, predictor_runner(&p, po.athlete), NAN, 0, &fu); /* what the wrapped model will apply */
            hr_scale_free(&sc);
            if (fu.runs == 0) /* until 2026-12-07 only "+0.0 bpm from the last 0" */
                cli_recent_none(&h, predictor_runner(&p, po.athlete), "plan");
        }
        if (e.msg[0] || form_wrap(&p, &h, 1, &e)) {
            form_history_free(&h);
            cli_error("plan", e.msg);
            predictor_free(&p);
            plan_course_free(&course);
            return 1;
        }
        if (fu.scaled)
            hr_info("plan: the runner's HR scale from %d of the runs given: mean %.1f bpm, sd %.1f bpm (the model "
                    "does not know them)", fu.scale_runs, fu.mean, fu.sd);
        if (fu.runs)
            hr_info("plan: recent form %+.1f bpm from the last %d of the runs given", fu.shift, fu.runs);
    }
    if (!trust_given) /* the default of a model that knows this runner (--athlete) already, or of a general one */
        trust = calib_default_trust(predictor_knows_runner(&p, po.athlete));
    struct plan_so_far sf;
    memset(&sf, 0, sizeof sf);
    if (so_far_path) { /* the rest of the race, from where the part run ends, with its clock */
        struct plan_course rest;
        int loaded = plan_so_far_load(&p, so_far_path, po.gender, po.athlete, &trust, &sf, &e) == 0;
        if (!loaded || plan_course_rest(&course, sf.dist_m, sf.last_alt, &rest, &e)) {
            cli_error("plan", e.msg);
            /* a course the part run leaves (almost) nothing of is a bad pair of arguments, as a target already
             * passed is (exit 2; it was 1); a file that cannot be read, or memory, stays 1 */
            int bad_args = loaded && !(course.length - sf.dist_m >= PLAN_COURSE_MIN_M);
            plan_so_far_free(&sf);
            predictor_free(&p);
            plan_course_free(&course);
            return bad_args ? 2 : 1;
        }
        char el[32];
        plan_fmt_time(sf.elapsed_s, 0, el, sizeof el);
        if (target_text && !(target - sf.elapsed_s >= 60)) {
            if (target > sf.elapsed_s)
                fprintf(stderr, "hrcast plan: --target-time %s: %s has already run %s, under a minute before it; "
                        "a plan needs at least a minute left\n", target_text, so_far_path, el);
            else
                fprintf(stderr, "hrcast plan: --target-time %s: %s has already run %s; nothing is left to plan\n",
                        target_text, so_far_path, el);
            plan_so_far_free(&sf);
            predictor_free(&p);
            plan_course_free(&course);
            plan_course_free(&rest);
            return 2;
        }
        char tt[96];
        calib_trust_text(&trust, tt, sizeof tt);
        if (sf.offset_steps == 0 && trust.k < CALIB_NEVER) /* it said "calibrated offset +0.0" and MAE nan */
            hr_warn("plan: %s: %.2f km in %s so far; no recorded HR in the part the trust counts (%s): not "
                    "calibrated (offset 0); --trust 0,0 counts every step with HR", so_far_path, sf.dist_m / 1000, el,
                    tt);
        else
            hr_info("plan: %s: %.2f km in %s so far; calibrated offset %+.1f bpm (%d steps with HR; trust: %s; "
                    "in-sample MAE over the steps it counts %.1f uncalibrated, %.1f calibrated)",
                    so_far_path, sf.dist_m / 1000, el, sf.offset, sf.hr_steps, tt, sf.mae_uncal, sf.mae_cal);
        plan_course_free(&course);
        course = rest;
        if (target_text)
            target -= sf.elapsed_s;
        po.so_far = &sf;
    }
    po.target_s = pace_text ? pace * course.length / 1000.0 : target;
    if (plan_check_target(&course, po.target_s, &e)) { /* a bad value, as every other one: exit 2 (it was 1) */
        cli_error("plan", e.msg);
        predictor_free(&p);
        plan_course_free(&course);
        if (so_far_path)
            plan_so_far_free(&sf);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct plan_result r;
    int rc = 0;
    if (plan_make(&p, &course, &po, &r, &e)) {
        cli_error("plan", e.msg);
        rc = 1;
        goto out;
    }
    if (isfinite(po.hr_cap) && r.score.above_cap_s > 0) {
        /* the cap is not met at this target: say so, and compute the fastest finish that meets it */
        if (plan_fastest_under_cap(&p, &course, &po, &r.cap_fastest_s, &r.cap_fastest_by, &e)) {
            cli_error("plan", e.msg);
            rc = 1;
            plan_result_free(&r);
            goto out;
        }
        char want[32], fast[32];
        plan_fmt_time(po.target_s, 0, want, sizeof want);
        plan_fmt_time(r.cap_fastest_s, 0, fast, sizeof fast);
        if (isfinite(r.cap_fastest_s) && r.cap_fastest_s <= po.target_s)
            hr_warn("--hr-cap %.0f is not met by %s in %s (%.0f s above it); %s stays under it, as fast as %s",
                    po.hr_cap, plan_strategy_name(r.strategy), want, ceil(r.score.above_cap_s),
                    plan_strategy_name(r.cap_fastest_by), fast);
        else if (isfinite(r.cap_fastest_s))
            hr_warn("--hr-cap %.0f cannot be met in %s (%.0f s above it); the fastest finish that stays under "
                    "it is %s (%s)", po.hr_cap, want, ceil(r.score.above_cap_s), fast,
                    plan_strategy_name(r.cap_fastest_by));
        else {
            char upto[32];
            plan_fmt_time(plan_cap_search_limit(&course, &po), 0, upto, sizeof upto);
            hr_warn("--hr-cap %.0f cannot be met in %s (%.0f s above it), nor by even pace or even effort at any "
                    "finish up to %s (the slowest tried: twice the target, a mean pace of %.1f m/s at least)",
                    po.hr_cap, want, ceil(r.score.above_cap_s), upto, PLAN_MIN_MEAN_SPEED);
        }
    }
    if (r.score.peak_hr >= 220) /* a physiological model clamps at 230: past anything measured */
        hr_warn("plan: the predicted peak of %.0f bpm is above what a heart holds: the plan runs far longer or "
                "harder than the runs %s was fitted on, and its HR there is no prediction", r.score.peak_hr,
                argv[optind]);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    hr_info("plan: %s over %.2f km, %d segments of %.1f m, %d model evaluations in %.2f s", plan_strategy_name(r.strategy),
            course.length / 1000, r.nseg, r.seg_len, r.evals,
            (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec));
    struct plan_info in = {.model_path = argv[optind], .model_kind = p.kind, .model_step = p.step,
                           .target_s = po.target_s, .fixed_pace = pace_text != NULL,
                           .so_far = so_far_path ? &sf : NULL, .so_far_path = so_far_path,
                           .recent_form = n_recent ? &fu : NULL};
    if (json ? plan_print_json(stdout, &in, &course, &r, &e) : plan_print_table(stdout, &in, &course, &r, &e)) {
        cli_error("plan", e.msg);
        rc = 1;
    }
    if (plot) {
        if (plan_plot(plot, &in, &course, &r, &e)) {
            cli_error("plan", e.msg);
            rc = 1;
        } else
            hr_info("plan: wrote %s", plot);
    }
    plan_result_free(&r);
out:
    plan_so_far_free(&sf);
    predictor_free(&p);
    plan_course_free(&course);
    return rc;
}
