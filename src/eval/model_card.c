/* model_card.c — renders the Hugging Face model card of an hrcast model file (see model_card.h):
 * YAML header (library_name, licence placeholder, tags, pipeline_tag, model-index with the eval
 * metrics when there are some), then Markdown: model, inputs, the no-leakage statement, training data
 * and procedure (the card's "training"/"provenance"), evaluation, intended use and limits, and how
 * to use it from hrcast and from Python. One renderer per model_type for the model-specific parts. */
#include "eval/model_card.h"
#include "eval/eval_output.h"
#include "util/json.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct card {
    FILE *f;
    const char *type;           /* lstm, physio, constant */
    const struct json *m;       /* the "model" card */
    const struct json *prov;    /* training provenance (may be NULL) */
    const struct json *metrics; /* metrics.json (may be NULL) */
    const struct safetensors *st;
    const struct model_card_opts *o;
};

/* YAML double-quoted scalar. */
static void yq(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fputc(' ', f);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* Text inside a Markdown table cell or inline code: no newlines, no pipes, no backticks. */
static void md(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        char ch = *s;
        fputc(ch == '|' ? '/' : ch == '`' ? '\'' : (ch == '\n' || ch == '\r') ? ' ' : ch, f);
    }
}

/* Member name of an object item; "?" for array items (a card with the wrong shape). */
static const char *key_of(const struct json *it)
{
    return it->key ? it->key : "?";
}

static const char *base_name(const char *p)
{
    const char *s = p ? strrchr(p, '/') : NULL;
    return s ? s + 1 : p ? p : "";
}

static int has_num(const struct json *o, const char *k)
{
    const struct json *v = json_get(o, k);
    return v && v->type == JSON_NUM && isfinite(v->num);
}

/* An architecture size from the card, clamped to 0..65536 (a broken card must not overflow). */
static int dim(const struct json *o, const char *k)
{
    double v = json_get_num(o, k, 0);
    return v >= 0 && v <= 65536 ? (int)v : 0;
}

/* A count from metrics.json, 0 when missing or out of range (a broken file must not overflow an int). */
static int count(const struct json *o, const char *k)
{
    double v = json_get_num(o, k, 0);
    return v >= 0 && v <= 1e9 ? (int)v : 0;
}

/* "12.34" or "n/a" */
static void num2(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.2f", v);
    else
        fputs("n/a", f);
}

static const char *model_title(const char *type)
{
    if (!strcmp(type, "lstm"))
        return "LSTM heart-rate model";
    if (!strcmp(type, "physio"))
        return "physiological heart-rate model";
    return "constant heart-rate baseline";
}

/* ---------------------------------------------------------------- YAML header */

int model_card_license_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    return n >= 1 && n <= 64 &&
           strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-+") == n;
}

/* prec: the forward the numbers came from; "fp32" or NULL add nothing to the name */
static void metric_yaml(FILE *f, const char *type, const char *name, const char *prec, double v)
{
    if (!isfinite(v))
        return;
    char full[256];
    snprintf(full, sizeof full, "%s%s%s", name, prec && strcmp(prec, "fp32") ? ", model run in " : "",
             prec && strcmp(prec, "fp32") ? prec : "");
    fprintf(f, "    - type: %s\n      value: %.3f\n      name: ", type, v);
    yq(f, full);
    fputc('\n', f);
}

static void yaml_header(struct card *c)
{
    FILE *f = c->f;
    fputs("---\nlibrary_name: hrcast\n", f);
    if (c->o->license && *c->o->license)
        fprintf(f, "license: %s\n", c->o->license);
    else
        fputs("# license: fill in before publishing (https://huggingface.co/docs/hub/repositories-licenses)\n", f);
    fputs("tags:\n- hrcast\n- heart-rate\n- running\n- time-series\n- sports-science\n", f);
    if (!strcmp(c->type, "lstm"))
        fputs("- lstm\n- pytorch\n- safetensors\n", f);
    else
        fprintf(f, "- %s\n- safetensors\n", !strcmp(c->type, "physio") ? "physiology" : "baseline");
    fputs("pipeline_tag: time-series-forecasting\n", f);
    if (c->metrics) {
        const struct json *mm = json_get(c->metrics, "model_metrics");
        const char *ds = json_get_str(c->metrics, "dataset", "dataset");
        const char *split = json_get_str(c->metrics, "split", "test");
        char dname[512];
        snprintf(dname, sizeof dname, "%s (%s)", base_name(ds), split);
        fputs("model-index:\n- name: ", f);
        yq(f, c->o->model_file);
        fputs("\n  results:\n  - task:\n      type: time-series-forecasting\n      name: ", f);
        yq(f, "Heart-rate prediction from pace and terrain");
        fputs("\n    dataset:\n      name: ", f);
        yq(f, dname);
        fputs("\n      type: ", f);
        yq(f, base_name(ds));
        fputs("\n      split: ", f);
        yq(f, split);
        fputs("\n    metrics:\n", f);
        const char *pr = json_get_str(c->metrics, "precision", NULL);
        metric_yaml(f, "mae", "MAE (bpm, all valid steps)", pr, json_get_num(c->metrics, "mae", NAN));
        metric_yaml(f, "rmse", "RMSE (bpm, all valid steps)", pr, json_get_num(c->metrics, "rmse", NAN));
        metric_yaml(f, "bias", "mean error (bpm, predicted - recorded)", pr, json_get_num(c->metrics, "bias", NAN));
        metric_yaml(f, "mae", "MAE after the first 2 minutes (bpm)", pr, json_get_num(mm, "mae_after_2min", NAN));
        metric_yaml(f, "mae", "per-workout MAE, median (bpm)", pr,
                    json_get_num(json_get(mm, "workout_mae"), "median", NAN));
    }
    fputs("---\n\n", f);
}

/* ---------------------------------------------------------------- shared sections */

static double tensor_elements(const struct safetensors *st, int *n_tensors)
{
    double n = 0;
    for (int i = 0; i < st->n; i++)
        n += (double)st->t[i].numel;
    *n_tensors = st->n;
    return n;
}

static void file_line(struct card *c)
{
    int nt;
    double ne = tensor_elements(c->st, &nt);
    fprintf(c->f, "| file | `");
    md(c->f, c->o->model_file);
    fprintf(c->f, "`: safetensors, %d tensor%s, %.0f numbers", nt, nt == 1 ? "" : "s", ne);
    if (c->o->file_bytes > 0)
        fprintf(c->f, ", %.1f kB", c->o->file_bytes / 1000.0);
    fputs(" |\n", c->f);
}

static void kv_row(FILE *f, const char *k, const char *v)
{
    fprintf(f, "| %s | ", k);
    md(f, v);
    fputs(" |\n", f);
}

static void training_data(struct card *c)
{
    FILE *f = c->f;
    const struct json *p = c->prov;
    fputs("## Training data\n\n", f);
    if (!p) {
        fputs("The model file records no training provenance.\n\n", f);
        return;
    }
    fputs("| | |\n|---|---|\n", f);
    kv_row(f, "dataset", json_get_str(p, "dataset", "(not recorded)"));
    if (*json_get_str(p, "dataset_description", ""))
        kv_row(f, "made by", json_get_str(p, "dataset_description", ""));
    const char *split = json_get_str(p, "split", "");
    if (*split) {
        fprintf(f, "| split | %s", !strcmp(split, "chrono") ? "per-athlete chronological (personalised: later workouts "
                                                               "of the same athletes are held out)"
                                    : !strcmp(split, "athlete") ? "athlete-disjoint (cold start: the held-out "
                                                                  "athletes are never seen in training)"
                                    : "");
        if (strcmp(split, "chrono") && strcmp(split, "athlete"))
            md(f, split);
        fputs(" |\n", f);
    }
    if (has_num(p, "train_workouts"))
        fprintf(f, "| workouts | %.0f for training", json_get_num(p, "train_workouts", 0));
    if (has_num(p, "val_workouts"))
        fprintf(f, ", %.0f for validation (early stopping)", json_get_num(p, "val_workouts", 0));
    if (has_num(p, "train_workouts"))
        fputs(" |\n", f);
    fputc('\n', f);
    const char *desc = json_get_str(p, "dataset_description", "");
    if (!strncmp(desc, "hrcast simulate", 15))
        fputs("The data are **simulated** runners (hrcast's simulator: HR kinetics, drift, terrain and sensor faults); "
              "a model trained on them describes the simulator, not real people.\n\n",
              f);
}

static void evaluation(struct card *c)
{
    FILE *f = c->f;
    const struct json *j = c->metrics;
    fputs("## Evaluation\n\n", f);
    if (!j) {
        fputs("No evaluation was found next to the model. To add one, evaluate on a held-out split and render the "
              "card again:\n\n```sh\nhrcast eval ",
              f);
        md(f, c->o->model_file);
        fputs(" DATASET --baselines -o eval/\nhrcast card ", f);
        md(f, c->o->model_file);
        fputs(" --metrics eval/metrics.json -o README.md\n```\n\n", f);
        return;
    }
    const char *split = json_get_str(j, "split", "");
    fputs("On `", f);
    md(f, json_get_str(j, "dataset", ""));
    fputs("`, split `", f);
    md(f, split);
    double nath = json_get_num(j, "athletes", 0);
    fprintf(f, "`: %.0f workouts, %.0f valid heart-rate steps, %.0f athlete%s", json_get_num(j, "workouts", 0),
            json_get_num(j, "steps", 0), nath, nath == 1 ? "" : "s");
    if (c->o->metrics_name) {
        fputs(" (from `", f);
        md(f, c->o->metrics_name);
        fputs("`, written by `hrcast eval`)", f);
    }
    fprintf(f, ". Errors are global over all valid steps against the recorded, unsmoothed heart rate; the 95 %% "
               "intervals are bootstrap over workouts (seed %.0f).",
            json_get_num(j, "bootstrap_seed", 0));
    const struct json *from_file = NULL; /* a baseline eval read from a file (--physio FILE) */
    json_foreach(b, json_get(j, "baselines")) if (!from_file && json_get_str(b, "file", NULL)) from_file = b;
    if (json_len(json_get(j, "baselines")) == 0) {
        fputs(" No baseline was evaluated (`hrcast eval --baselines` adds them).", f);
    } else if (from_file) {
        fputs(" The other baselines were fitted on the same split's training part; the ", f);
        md(f, key_of(from_file));
        fputs(" baseline came from the file `", f);
        md(f, json_get_str(from_file, "file", ""));
        fputs("` (", f);
        md(f, json_get_str(from_file, "file_hash", "hash not recorded"));
        fputs("), not fitted here.", f);
    } else {
        fputs(" Baselines were fitted on the same split's training part.", f);
    }
    fputs("\n\n", f);
    fputs("| model | MAE (bpm) | 95 % CI | RMSE (bpm) | bias (bpm) | MAE after 2 min | per-workout MAE median (IQR) |\n"
          "|---|---|---|---|---|---|---|\n",
          f);
    const struct json *rows[1 + 8];
    const char *names[1 + 8];
    int n = 0;
    rows[n] = json_get(j, "model_metrics");
    names[n++] = "this model";
    json_foreach(b, json_get(j, "baselines")) if (n < 9)
    {
        rows[n] = b;
        names[n++] = key_of(b);
    }
    for (int k = 0; k < n; k++) {
        const struct json *r = rows[k], *ci = json_get(r, "mae_ci95"), *wm = json_get(r, "workout_mae");
        fputs(k == 0 ? "| **" : "| ", f);
        md(f, names[k]);
        fputs(k == 0 ? "** | " : " | ", f);
        if (k == 0)
            fputs("**", f);
        num2(f, json_get_num(r, "mae", NAN));
        fputs(k == 0 ? "** | " : " | ", f);
        num2(f, json_num(json_at(ci, 0), NAN));
        fputs("-", f);
        num2(f, json_num(json_at(ci, 1), NAN));
        fputs(" | ", f);
        num2(f, json_get_num(r, "rmse", NAN));
        fputs(" | ", f);
        num2(f, json_get_num(r, "bias", NAN));
        fputs(" | ", f);
        num2(f, json_get_num(r, "mae_after_2min", NAN));
        fputs(" | ", f);
        num2(f, json_get_num(wm, "median", NAN));
        fputs(" (", f);
        num2(f, json_get_num(wm, "q1", NAN));
        fputs("-", f);
        num2(f, json_get_num(wm, "q3", NAN));
        fputs(") |\n", f);
    }
    fputc('\n', f);
    json_foreach(g, json_get(j, "relative_gain"))
    {
        double v = json_num(g, NAN);
        if (!isfinite(v))
            continue;
        if (fabs(v) < 0.0005)
            fputs("- MAE within 0.05 % of the ", f);
        else
            fprintf(f, "- MAE %.1f %% %s than the ", fabs(100 * v), v >= 0 ? "lower" : "higher");
        md(f, key_of(g));
        fputs(fabs(v) < 0.0005 ? " baseline's.\n" : " baseline.\n", f);
    }
    const struct json *cov = json_get(json_get(j, "model_metrics"), "coverage");
    if (cov)
        fprintf(f, "- Predicted intervals: %.1f %% of steps inside the 50 %% interval, %.1f %% inside the 90 %% one.\n",
                100 * json_get_num(cov, "nominal_50", NAN), 100 * json_get_num(cov, "nominal_90", NAN));
    char prec[256];
    eval_precision_note(prec, sizeof prec, json_get_str(j, "precision", NULL));
    if (*prec) {
        fputs("- **Note:** ", f);
        md(f, prec);
        fputc('\n', f);
    }
    char opt[600]; /* from the overlap counts eval recorded, not from the split's name alone */
    eval_optimism_note(opt, sizeof opt, split, count(j, "seen_in_training"), count(j, "seen_in_validation"),
                       count(j, "workouts"));
    if (*opt) {
        fputs("- **Note:** ", f);
        md(f, opt);
        fputc('\n', f);
    }
    const char *mp = json_get_str(j, "model", "");
    if (*mp && strcmp(base_name(mp), c->o->model_file))
        fprintf(f, "- **Note:** the metrics name the model `%s`, not `%s`.\n", base_name(mp), c->o->model_file);
    fputc('\n', f);
}

static void intended_use(struct card *c)
{
    FILE *f = c->f;
    if (!strcmp(c->type, "constant"))
        fputs("## Intended use\n\n- A reference: the error that any useful heart-rate model must beat on the same "
              "split. It knows nothing of pace or terrain.\n\n",
              f);
    else
        fputs("## Intended use\n\n- Estimate the heart rate of a run from its pace and terrain: plan the pacing of a "
              "race or a workout (`hrcast plan`), compare a recording against what is expected, fill sensor "
              "dropouts, study heart-rate kinetics.\n"
              "- Research and education around running physiology and sequence models.\n\n",
              f);
    fputs("## Limits\n\n"
          "- Not a medical device. Do not use it to diagnose, to set limits for people with heart conditions, or for "
          "any decision about someone's safety.\n"
          "- Running only, on the model's time step; inputs outside the training range (very fast or slow paces, "
          "extreme grades, altitudes or durations) extrapolate.\n"
          "- Cold start: a new runner's fitness, resting and maximal heart rate are unknown, so a large part of the "
          "error is a per-athlete offset. The first minutes depend on the unknown starting heart rate.\n"
          "- The recorded heart rate it learnt from comes from real sensors (or simulated ones) with dropouts, "
          "cadence lock and spikes; cleaning masks what it can detect, not everything.\n"
          "- The errors above hold for data like the evaluation data; measure again before trusting it on another "
          "population.\n\n",
          f);
}

static void no_leakage(struct card *c, const char *inputs)
{
    fprintf(c->f,
            "## No leakage\n\n"
            "No input of this model is derived from the heart rate of the workout being predicted: no heart-rate "
            "lags, no heart-rate statistics, no workout type inferred from heart rate. Its inputs are %s. "
            "Everything fitted from data (parameters%s) was fitted on the training split only. The training "
            "target is the recorded, cleaned heart rate (dropouts masked, never filled); evaluation compares "
            "against the unsmoothed recorded heart rate of workouts not used for training.\n\n",
            inputs, !strcmp(c->type, "lstm") ? ", the feature normaliser and any physiological prior" : "");
}

/* ---------------------------------------------------------------- LSTM */

static void lstm_model(struct card *c)
{
    FILE *f = c->f;
    const struct json *a = json_get(c->m, "architecture"), *feat = json_get(c->m, "features");
    int in = dim(a, "input_size"), h = dim(a, "hidden_size"), L = dim(a, "num_layers"), out = dim(a, "output_size");
    double step = json_get_num(c->m, "step_s", NAN);
    long long expect = 0;
    for (int l = 0; l < L; l++)
        expect += 4LL * h * ((l ? h : in) + h) + 8LL * h;
    expect += (long long)out * (h + 1);
    double ne = 0; /* the network's own tensors (lstm.*, fc.*); a prior's tensors are not parameters */
    for (int i = 0; i < c->st->n; i++)
        if (!strncmp(c->st->t[i].name, "lstm.", 5) || !strncmp(c->st->t[i].name, "fc.", 3))
            ne += (double)c->st->t[i].numel;
    fprintf(f, "Predicts a runner's heart rate in beats per minute, every %g s of a run, from pace and terrain only "
               "(speed, altitude, grade and what follows from them over time). It never sees any heart rate of the "
               "workout it predicts. Trained in C with hrcast; the weights are a plain PyTorch `state_dict`.\n\n",
            step);
    fputs("## Model\n\n| | |\n|---|---|\n", f);
    fprintf(f, "| architecture | `torch.nn.LSTM(%d, %d, num_layers=%d, batch_first=True)` named `lstm`, then "
               "`torch.nn.Linear(%d, %d)` named `fc` on every step; gate order i, f, g, o |\n",
            in, h, L, h, out);
    fprintf(f, "| parameters | %lld (= sum over layers of 4H(in + H) + 8H, plus the head)%s |\n", expect,
            fabs(ne - (double)expect) < 0.5 ? "" : " **(the file's tensors hold a different count)**");
    file_line(c);
    fprintf(f, "| dropout | %.2g between LSTM layers, in training only |\n", json_get_num(a, "dropout", 0));
    fprintf(f, "| time step | %g s: inputs are resampled onto this grid (`hrcast predict` does it) |\n", step);
    if (out == 2)
        fputs("| outputs | heart rate (bpm) and log-variance: sigma = exp(log-variance / 2) bpm |\n", f);
    else
        fputs("| output | heart rate (bpm), directly (the normalisation of the target is folded into `fc`) |\n", f);
    kv_row(f, "training loss", json_get_str(c->m, "loss", "mse"));
    kv_row(f, "format", json_get_str(c->m, "format", ""));
    fputc('\n', f);

    const struct json *names = json_get(feat, "names"), *nz = json_get(c->m, "normalizer");
    fprintf(f, "## Inputs\n\n%zu features (hrcast feature set `", json_len(names));
    md(f, json_get_str(feat, "set", ""));
    fputs("`, docs/features.md), computed from the resampled series in this order, then normalised as "
          "(x - mean) / std with the values below, fitted on the training split:\n\n"
          "| # | feature | mean | std |\n|---|---|---|---|\n",
          f);
    for (size_t k = 0; k < json_len(names); k++) {
        fprintf(f, "| %zu | `", k);
        md(f, json_str(json_at(names, k), ""));
        fprintf(f, "` | %.6g | %.6g |\n", json_num(json_at(json_get(nz, "mean"), k), NAN),
                json_num(json_at(json_get(nz, "std"), k), NAN));
    }
    fputc('\n', f);
    fputs("Speeds are in m/s, altitudes and distances in m, grade as a fraction, times in s, gender +1 male, -1 "
          "female, 0 unknown. The card in the file says `inputs_from_heart_rate: ",
          f);
    md(f, json_get_str(c->m, "inputs_from_heart_rate", "(missing)"));
    fputs("`: **none of these features derives from the heart rate being predicted** (hrcast's test "
          "`test_features_ignore_heart_rate` changes a series' heart rate and checks that every feature stays "
          "bit-identical).",
          f);
    const struct json *q = json_get(c->m, "physio_prior");
    if (q)
        fprintf(f, " `physio_prior_hr` is the prediction of the physiological model (docs/physio.md) fitted on the "
                   "training split only: population parameters (offset %.1f bpm, gain %.1f bpm per m/s, tau %.0f s, "
                   "drift %.1f bpm/h, grade_k %.2f, hr0 %.0f bpm) and the own parameters of %zu training athlete(s), "
                   "fitted on their training workouts (tensors `prior.population`, `prior.athletes`); a workout of "
                   "another athlete gets the population's. It is computed from speed, grade and time.",
                json_get_num(q, "offset", NAN), json_get_num(q, "gain", NAN), json_get_num(q, "tau", NAN),
                json_get_num(q, "drift", NAN), json_get_num(q, "grade_k", NAN), json_get_num(q, "hr0", NAN),
                json_len(json_get(q, "athletes")));
    const struct json *b = json_get(c->m, "blend");
    if (b)
        fprintf(f, " The network is trained on heart rate minus `physio_prior_hr` and the model predicts "
                   "`physio_prior_hr + alpha * network`: alpha (0 = the physiological model alone, 1 = the whole "
                   "correction) chosen on the grid 0, 0.05, ..., 1 by validation MAE, for each athlete on their own "
                   "validation workouts (%zu athlete(s)), and %.2f for anyone else, chosen on all validation workouts "
                   "predicted as an unknown runner's (card key `blend`; there MAE %.2f bpm against %.2f for the "
                   "population's physiological model alone).",
                json_len(json_get(b, "athletes")), json_get_num(b, "alpha", NAN), json_get_num(b, "val_mae", NAN),
                json_get_num(b, "physio_val_mae", NAN));
    const struct json *sc = json_get(c->m, "hr_scale");
    const struct json *x = json_get(c->prov, "extra");
    const char *own = !strcmp(json_get_str(x, "kind", ""), "finetune") ? json_get_str(x, "athlete", "") : "";
    if (sc) {
        fprintf(f, " The output is on each athlete's own heart-rate scale: `mean + sd * (network - %.1f) / %.1f`, "
                   "with the mean and sd of heart rate over the athlete's training workouts (earlier runs, never the "
                   "workout predicted) for %zu athlete(s) (card key `hr_scale`); ",
                json_get_num(sc, "pop_mean", NAN), json_get_num(sc, "pop_sd", NAN), json_len(json_get(sc, "athletes")));
        if (*own) { /* predictor_runner: a workout that names no athlete is the finetuned runner's */
            fputs("a workout that names no athlete is predicted as `", f);
            md(f, own);
            fputs("`'s, the runner this model was finetuned for (`hrcast predict --format json --inputs` names the "
                  "athlete used); an athlete without a scale gets the network's output as it is (the athletes' average scale).", f);
        } else {
            fputs("anyone else gets the network's output as it is (the athletes' average scale).", f);
        }
    }
    fputs("\n\n", f);
    no_leakage(c, "speed, altitude, grade, elapsed time, distance and the declared gender (and values computed "
                  "from them)");
}

static void lstm_procedure(struct card *c)
{
    FILE *f = c->f;
    const struct json *p = c->prov;
    if (!p)
        return;
    fputs("## Training procedure\n\n| | |\n|---|---|\n", f);
    fprintf(f, "| epochs | %.0f run; the weights are the best validation epoch's (%.0f) |\n",
            json_get_num(p, "epochs_run", NAN), json_get_num(p, "best_epoch", NAN));
    fputs("| validation error | MAE ", f);
    num2(f, json_get_num(p, "val_mae", NAN));
    fputs(" bpm, RMSE ", f);
    num2(f, json_get_num(p, "val_rmse", NAN));
    fputs(" bpm (used for early stopping, so optimistic) |\n", f);
    fprintf(f, "| optimiser | %s, learning rate %g, weight decay %g, gradient clip %g, %.0f sequences per batch, "
               "sequences cropped to %.0f steps |\n",
            json_get_str(p, "optimizer", "adam"), json_get_num(p, "lr", NAN), json_get_num(p, "weight_decay", 0),
            json_get_num(p, "clip", NAN), json_get_num(p, "batch", NAN), json_get_num(p, "max_len_steps", NAN));
    const char *kernels = json_get_str(p, "kernels", ""); /* recorded since 2026-12-07 */
    char path[96] = "";
    if (kernels[0])
        snprintf(path, sizeof path, " on the same kernel path, %.32s (HRCAST_ISA)", kernels);
    if (json_get_num(p, "ranks", 1) > 1)
        fprintf(f, "| seed, threads, MPI ranks | %.0f, %.0f, %.0f (the same seed, thread count and number of ranks give "
                   "the same bytes%s; one process gives other bytes) |\n",
                json_get_num(p, "seed", NAN), json_get_num(p, "threads", NAN), json_get_num(p, "ranks", NAN), path);
    else
        fprintf(f, "| seed, threads | %.0f, %.0f (the same seed and thread count give the same bytes%s) |\n",
                json_get_num(p, "seed", NAN), json_get_num(p, "threads", NAN), path);
    if (*json_get_str(p, "base_model", "")) {
        fputs("| fine-tuned from | `", f);
        md(f, json_get_str(p, "base_model", ""));
        fprintf(f, "`%s |\n", json_bool(json_get(p, "freeze_lower"), 0) ? " (lower layers frozen)" : "");
    }
    const struct json *x = json_get(p, "extra");
    if (x) {
        json_foreach(it, x) if (it->type == JSON_STR || it->type == JSON_NUM)
        {
            fputs("| ", f);
            md(f, key_of(it));
            fputs(" | ", f);
            if (it->type == JSON_STR)
                md(f, it->str);
            else
                fprintf(f, "%g", it->num);
            fputs(" |\n", f);
        }
    }
    kv_row(f, "hrcast version", json_get_str(p, "hrcast_version", "(not recorded)"));
    fputc('\n', f);
}

static void lstm_usage(struct card *c)
{
    FILE *f = c->f;
    const char *mf = c->o->model_file;
    const struct json *a = json_get(c->m, "architecture");
    fprintf(f, "## How to use\n\n### With hrcast\n\n```sh\n"
               "hrcast predict %s run.fit                             # CSV: time, speed, altitude, predicted HR\n"
               "hrcast predict %s run.gpx --format json --inputs -q   # JSON, with the raw feature rows\n"
               "```\n\n",
            mf, mf);
    fputs("### In Python (PyTorch)\n\n"
          "The tensors carry PyTorch's names, so a two-module network loads them strictly. The features are "
          "hrcast's (above); `hrcast predict --inputs` gives a workout's raw feature rows.\n\n",
          f);
    fprintf(f, "```python\n"
               "import json, subprocess, torch\n"
               "from safetensors import safe_open\n"
               "from safetensors.torch import load_file\n\n"
               "path = \"%s\"\n"
               "workout = \"run.fit\"  # any FIT, TCX, GPX or CSV file that hrcast reads\n"
               "with safe_open(path, framework=\"pt\") as f:\n"
               "    card = json.loads(f.metadata()[\"model\"])\n"
               "a = card[\"architecture\"]\n\n"
               "class HRCast(torch.nn.Module):\n"
               "    def __init__(self):\n"
               "        super().__init__()\n"
               "        self.lstm = torch.nn.LSTM(a[\"input_size\"], a[\"hidden_size\"], a[\"num_layers\"], batch_first=True)\n"
               "        self.fc = torch.nn.Linear(a[\"hidden_size\"], a[\"output_size\"])\n\n"
               "    def forward(self, x):  # x: [batch, time, features], normalised\n"
               "        return self.fc(self.lstm(x)[0])\n\n"
               "net = HRCast().eval()\n"
               "weights = {k: v for k, v in load_file(path).items() if k.split(\".\")[0] in (\"lstm\", \"fc\")}\n"
               "net.load_state_dict(weights)  # strict: every name and shape must match\n\n"
               "out = json.loads(subprocess.run([\"hrcast\", \"predict\", path, workout, \"--format\", \"json\", \"--inputs\", \"-q\"],\n"
               "                                capture_output=True, check=True).stdout)\n"
               "x = torch.tensor(out[\"workouts\"][0][\"inputs\"], dtype=torch.float32)  # [T, %d] raw rows\n"
               "# pre-roll: P rows of standing still (the first row, speed and effort columns and grade 0) before the\n"
               "# start\n"
               "P = card.get(\"preroll_steps\", 0)\n"
               "rest = torch.tensor([0.0 if n.startswith((\"speed\", \"effort\")) or n == \"grade\" else v\n"
               "                     for n, v in zip(card[\"features\"][\"names\"], x[0].tolist())])\n"
               "x = torch.cat([rest.expand(P, -1), x])\n"
               "mean = torch.tensor(card[\"normalizer\"][\"mean\"])\n"
               "std = torch.tensor(card[\"normalizer\"][\"std\"])\n"
               "with torch.no_grad():\n"
               "    hr = net(((x - mean) / std).unsqueeze(0))[0, P:, 0]  # bpm, one per %g s step\n",
            mf, dim(a, "input_size"), json_get_num(c->m, "step_s", NAN));
    if (json_get(c->m, "blend"))
        fputs("# physio-residual: HR = physio_prior_hr + alpha * network, alpha of the run's athlete (card \"blend\")\n"
              "b = card[\"blend\"]\n"
              "alpha = b[\"athletes\"].get(out[\"workouts\"][0].get(\"athlete\", \"\"), b[\"alpha\"])\n"
              "hr = x[P:, card[\"features\"][\"names\"].index(\"physio_prior_hr\")] + alpha * hr\n",
              f);
    if (json_get(c->m, "hr_scale"))
        fputs("# the athlete's HR scale: HR = mean + sd * (network - pop_mean) / pop_sd (card \"hr_scale\")\n"
              "s = card[\"hr_scale\"]\n"
              "mean, sd, _ = s[\"athletes\"].get(out[\"workouts\"][0].get(\"athlete\", \"\"), [s[\"pop_mean\"], s[\"pop_sd\"], 0])\n"
              "hr = mean + sd * (hr - s[\"pop_mean\"]) / s[\"pop_sd\"]\n",
              f);
    fputs("print(hr)\n"
          "```\n\n",
          f);
    fputs("hrcast's `tools/torch_predict.py` does the same with no `safetensors` package and checks that PyTorch and "
          "hrcast agree (`make parity`).\n",
          f);
}

/* ---------------------------------------------------------------- physio and constant */

static void athletes_line(struct card *c, const char *what)
{
    const struct json *ath = json_get(c->m, "athletes");
    size_t n = json_len(ath);
    if (n == 0) {
        fprintf(c->f, "No per-athlete %s: every runner gets the population values.\n\n", what);
        return;
    }
    fprintf(c->f, "Per-athlete %s for %zu athletes (from their training workouts: earlier workouts of the same "
                  "athlete, with their heart rate, may personalise; unknown athletes get the population values): ",
            what, n);
    for (size_t i = 0; i < n && i < 20; i++) {
        fputs(i ? ", `" : "`", c->f);
        md(c->f, json_str(json_at(ath, i), ""));
        fputc('`', c->f);
    }
    fputs(n > 20 ? ", ...\n\n" : ".\n\n", c->f);
}

static void physio_model(struct card *c)
{
    FILE *f = c->f;
    double step = json_get_num(c->m, "step", NAN);
    fprintf(f, "Predicts a runner's heart rate in beats per minute, every %g s of a run, with a first-order "
               "physiological model driven by speed and grade. It never sees any heart rate of the workout it "
               "predicts.\n\n## Model\n\n```\n",
            step);
    md(f, json_get_str(c->m, "equation", ""));
    fputs("\nHR(0) = hr0;  Cr = Minetti (2002) energy cost of running on a gradient\n```\n\n"
          "Population parameters (docs/physio.md):\n\n| parameter | value |\n|---|---|\n",
          f);
    json_foreach(it, json_get(c->m, "population"))
    {
        fputs("| ", f);
        md(f, key_of(it));
        fprintf(f, " | %.4g |\n", json_num(it, NAN));
    }
    fputs("\n`rmse` is the fit's residual error, used as the predicted sigma; `n_valid` the heart-rate steps the fit "
          "used.\n\n| | |\n|---|---|\n",
          f);
    file_line(c);
    fprintf(f, "| time step | %g s |\n\n", step);
    athletes_line(c, "parameters");
    fputs("## Inputs\n\nSpeed (m/s), grade (from altitude) and elapsed time of the resampled series. **None derives "
          "from the heart rate being predicted**; `hr0` is a fitted constant, not the workout's first reading.\n\n",
          f);
    no_leakage(c, "speed, grade and elapsed time");
}

static void constant_model(struct card *c)
{
    FILE *f = c->f;
    fprintf(f, "A baseline: predicts the mean heart rate of the training data (or of the athlete's own training "
               "workouts), the same value at every step. Use it to judge the other models.\n\n## Model\n\n"
               "| | |\n|---|---|\n| mean | %.2f bpm |\n| sd (used as sigma) | %.2f bpm |\n| time step | %g s |\n",
            json_get_num(c->m, "mean", NAN), json_get_num(c->m, "sd", NAN), json_get_num(c->m, "step", NAN));
    file_line(c);
    fputc('\n', f);
    athletes_line(c, "means");
    fputs("## Inputs\n\nNone but the athlete's identity. **Nothing derives from the heart rate being "
          "predicted.**\n\n",
          f);
    no_leakage(c, "the athlete's identity only");
}

static void simple_procedure(struct card *c)
{
    if (!c->prov)
        return;
    fputs("## Training procedure\n\n", c->f);
    fputs(!strcmp(c->type, "physio")
              ? "Fitted by `hrcast fit-physio`: a search over tau and grade_k with a closed-form robust (Huber) solve "
                "for the other parameters, then per-athlete fits shrunk toward the population (docs/physio.md).\n\n"
              : "Fitted by `hrcast fit-physio --constant`: masked means over the training split.\n\n",
          c->f);
}

static void simple_usage(struct card *c)
{
    FILE *f = c->f;
    const char *mf = c->o->model_file;
    const char *tn = !strcmp(c->type, "physio") ? "physio" : "constant";
    fprintf(f, "## How to use\n\n### With hrcast\n\n```sh\nhrcast predict %s run.fit\n```\n\n"
               "### In Python\n\n```python\n"
               "import json\n"
               "from safetensors import safe_open\n\n"
               "with safe_open(\"%s\", framework=\"pt\") as f:\n"
               "    card = json.loads(f.metadata()[\"model\"])\n"
               "    population = f.get_tensor(\"%s.population\")  # %s\n"
               "```\n",
            mf, mf, tn, !strcmp(tn, "physio") ? "offset, gain, tau, drift, grade_k, hr0, rmse, n_valid" : "mean, sd");
    fprintf(f, "\nPer-athlete rows are in `%s.athletes`, in the order of `card[\"athletes\"]`.\n", tn);
}

/* ---------------------------------------------------------------- entry */

int model_card_render(const struct safetensors *st, const struct model_card_opts *o, char **out, size_t *len,
                      struct hr_err *e)
{
    *out = NULL;
    const char *type = st_meta_get(st, "model_type");
    const char *mtext = st_meta_get(st, "model");
    if (!type || (strcmp(type, "lstm") && strcmp(type, "physio") && strcmp(type, "constant")))
        return hr_fail(e, "%s: not an hrcast lstm, physio or constant model (model_type %s)", o->model_file,
                       type ? type : "missing");
    if (!mtext)
        return hr_fail(e, "%s: metadata has no \"model\" card", o->model_file);
    if (o->license && *o->license && !model_card_license_ok(o->license))
        return hr_fail(e, "licence: not a plain licence id (letters, digits, '.', '-', '+')");
    struct json *m = NULL, *metrics = NULL;
    if (json_parse(mtext, strlen(mtext), o->model_file, &m, e))
        return -1;
    if (m->type != JSON_OBJ) {
        json_free(m);
        return hr_fail(e, "%s: metadata \"model\" is not a JSON object", o->model_file);
    }
    if (o->metrics_json) {
        const char *mn = o->metrics_name ? o->metrics_name : "metrics.json";
        if (json_parse(o->metrics_json, strlen(o->metrics_json), mn, &metrics, e)) {
            json_free(m);
            return -1;
        }
        if (metrics->type != JSON_OBJ || !json_get(metrics, "mae") || !json_get(metrics, "model_metrics")) {
            json_free(m);
            json_free(metrics);
            return hr_fail(e, "%s: not a metrics.json written by hrcast eval (no mae / model_metrics)", mn);
        }
    }
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!f) {
        json_free(m);
        json_free(metrics);
        return hr_fail(e, "model card: out of memory");
    }
    struct card c = {f, type, m, json_get(m, "training"), metrics, st, o};
    if (!c.prov)
        c.prov = json_get(m, "provenance");
    yaml_header(&c);
    fprintf(f, "# `");
    md(f, o->model_file);
    fprintf(f, "`: hrcast %s\n\n", model_title(type));
    if (!strcmp(type, "lstm"))
        lstm_model(&c);
    else if (!strcmp(type, "physio"))
        physio_model(&c);
    else
        constant_model(&c);
    training_data(&c);
    if (!strcmp(type, "lstm"))
        lstm_procedure(&c);
    else
        simple_procedure(&c);
    evaluation(&c);
    intended_use(&c);
    if (!strcmp(type, "lstm"))
        lstm_usage(&c);
    else
        simple_usage(&c);
    int bad = ferror(f);
    fclose(f);
    json_free(m);
    json_free(metrics);
    if (bad || !buf) {
        free(buf);
        return hr_fail(e, "model card: out of memory");
    }
    *out = buf;
    if (len)
        *len = n;
    return 0;
}
