/* real_bench.c — the real-data benchmark driver behind bench/real_variants.sh. On a dataset imported with
 * `hrcast import --athlete-from-dir`, for the named athletes (the others are extra training data):
 *   personalised protocol (stored chrono split: per athlete first 70 % train, next 10 % val, last 20 % test)
 *     constant (per-athlete mean), physio population-only, physio per-athlete, the general LSTM
 *     (trained on everyone's chrono train), and the general LSTM finetuned per athlete in several variants
 *     (src/train/finetune.h); the default variant is picked by VALIDATION MAE, never by test;
 *   cold start (leave one athlete out): LSTM and population physio trained on every other workout
 *     (the others' chrono val parts validate), tested on the athlete's chrono test part.
 * Prints Markdown tables (global masked MAE/RMSE, median per-workout MAE) per athlete and overall, the
 * overall MAE/RMSE on the steps the HR-quality stage trusts and the share of the error on flagged steps, and the
 * diagnostics of real_diag.h (per-athlete variant choice, blend with physio, recent-form and oracle offsets).
 * usage: real_bench DATASET OUTDIR ATHLETE[,ATHLETE...] [key=value ...]   (keys: see parse_kv) */
#include "data/dataset.h"
#include "eval/evaluate.h"
#include "model/constant.h"
#include "model/physio.h"
#include "real_diag.h"
#include "train/finetune.h"
#include "util/log.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ATH 16
#define MAX_METHODS 16

struct cfg {
    int threads, hidden, epochs, ft_epochs, patience;
    double budget_general, budget_cold, budget_ft;
    int skip_cold;
    int variants;      /* finetune variants to try (1 = only the default: all weights, finetune's default lr) */
    char features[16]; /* feature set of the general and cold-start LSTMs */
    char loss[8];      /* their training loss, batch, learning rate and dropout (trainer defaults: 0) */
    int batch;
    double lr, dropout;
    long seed;    /* of the general, cold-start and finetuned LSTMs (0: the trainer's default) */
    double ft_lr; /* learning rate of the default finetune variant (0: its own, 5e-4) */
};

struct cell { /* one method on one athlete's test part */
    struct metric_acc acc;
    struct metric_acc trusted; /* the same, on the steps the HR-quality stage trusts */
    double *wmae;
    int nw;
    int done;
};

struct method {
    char name[48];
    struct cell c[MAX_ATH];
    double val_mae[MAX_ATH]; /* finetune variants: best validation MAE per athlete */
};

static const char *ath[MAX_ATH];
static int n_ath;

static void die(const char *what, const struct hr_err *e)
{
    fprintf(stderr, "real_bench: %s: %s\n", what, e ? e->msg : "");
    exit(1);
}

static int *select_where(const struct dataset *ds, int *n, const char *athlete, int same, int part_mask)
{
    int *v = malloc(sizeof(int) * (size_t)(ds->n ? ds->n : 1));
    *n = 0;
    for (int i = 0; i < ds->n; i++) {
        int is = !strcmp(ds->meta[i].athlete, athlete);
        if (is == same && (part_mask >> ds->split[SPLIT_CHRONO][i] & 1))
            v[(*n)++] = i;
    }
    return v;
}

static void eval_into(const struct dataset *ds, const struct predictor *p, int a, struct method *m)
{
    int n;
    int *idx = select_where(ds, &n, ath[a], 1, 1 << PART_TEST);
    struct evaluation ev;
    struct hr_err e = {{0}};
    const struct predictor *pp[1] = {p};
    const char *names[1] = {m->name};
    if (evaluate(ds, idx, n, pp, names, 1, 42, 0, &ev, &e))
        die("evaluate", &e);
    struct cell *c = &m->c[a];
    c->acc = ev.m[0].all;
    c->trusted = ev.m[0].trusted;
    c->nw = ev.nw;
    c->wmae = malloc(sizeof(double) * (size_t)(ev.nw ? ev.nw : 1));
    for (int i = 0; i < ev.nw; i++)
        c->wmae[i] = metric_mae(&ev.m[0].w[i]);
    c->done = 1;
    evaluation_free(&ev);
    free(idx);
}

static void views_of(const struct dataset *ds, const int *idx, int n, struct series **v, const struct series ***sp)
{
    *v = calloc((size_t)(n ? n : 1), sizeof **v);
    *sp = calloc((size_t)(n ? n : 1), sizeof **sp);
    for (int i = 0; i < n; i++) {
        dataset_series(ds, idx[i], &(*v)[i]);
        (*sp)[i] = &(*v)[i];
    }
}

static void fit_physio(const struct dataset *ds, const int *idx, int n, int personal, struct predictor *p)
{
    struct series *v;
    const struct series **sp;
    views_of(ds, idx, n, &v, &sp);
    struct physio_model pm;
    physio_model_init(&pm, ds->step);
    struct physio_fit_opts fo;
    physio_fit_opts_default(&fo);
    fo.personal = personal;
    struct hr_err e = {{0}};
    if (physio_model_fit(&pm, sp, n, &fo, &e) || physio_predictor_from_model(&pm, p, &e))
        die("physio fit", &e);
    free(v);
    free(sp);
}

static void fit_constant(const struct dataset *ds, const int *idx, int n, struct predictor *p)
{
    struct series *v;
    const struct series **sp;
    views_of(ds, idx, n, &v, &sp);
    struct constant_model cm;
    struct hr_err e = {{0}};
    if (constant_model_fit(&cm, sp, n, 1, &e) || constant_predictor_from_model(&cm, p, &e))
        die("constant fit", &e);
    free(v);
    free(sp);
}

static void load(const char *path, struct predictor *p)
{
    struct hr_err e = {{0}};
    if (predictor_load(path, p, &e))
        die("load", &e);
}

static void train_general(const struct dataset *ds, const char *ds_path, const struct cfg *g, const int *tr, int ntr,
                          const int *va, int nva, double budget, const char *out)
{
    struct train_opts o;
    train_opts_default(&o);
    o.hidden = g->hidden;
    o.epochs = g->epochs;
    o.patience = g->patience;
    o.threads = g->threads;
    o.split = SPLIT_CHRONO;
    snprintf(o.features, sizeof o.features, "%s", g->features);
    if (g->loss[0])
        snprintf(o.loss, sizeof o.loss, "%s", g->loss);
    if (g->batch > 0)
        o.batch = g->batch;
    if (g->lr > 0)
        o.lr = (float)g->lr;
    if (g->dropout >= 0)
        o.dropout = (float)g->dropout;
    o.time_budget = budget;
    if (g->seed > 0)
        o.seed = (uint64_t)g->seed;
    o.dataset_path = ds_path;
    o.train_idx = tr;
    o.n_train = ntr;
    o.val_idx = va;
    o.n_val = nva;
    struct train_result r;
    struct hr_err e = {{0}};
    if (train_lstm(ds, &o, out, &r, &e))
        die("train", &e);
    fprintf(stderr, "real_bench: %s: %d epochs, best %d, val MAE %.2f (%.0f s)\n", out, r.epochs_run, r.best_epoch,
            r.best_val_mae, r.seconds);
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *v, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[k++] = v[i];
    if (!k)
        return NAN;
    qsort(v, (size_t)k, sizeof *v, cmp_d);
    return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

/* The rest of a table's header row after "| method |": one column per athlete and the overall one. */
static void print_columns(FILE *f)
{
    for (int a = 0; a < n_ath; a++)
        fprintf(f, " %s |", ath[a]);
    fprintf(f, " **overall** |\n|---|");
    for (int a = 0; a <= n_ath; a++)
        fprintf(f, "---|");
    fputc('\n', f);
}

static void print_table(FILE *f, struct method *ms, int nm, const char *title)
{
    fprintf(f, "\n%s\n\nMAE / RMSE / median per-workout MAE, bpm, on each athlete's chrono test part (last 20 %% by date), all "
               "recorded steps; then the overall MAE / RMSE on the trusted steps only (the HR-quality stage, docs/data.md) "
               "and the share of the overall absolute error that the flagged steps carry.\n\n| method |",
            title);
    for (int a = 0; a < n_ath; a++)
        fprintf(f, " %s |", ath[a]);
    fprintf(f, " **overall** | overall, trusted steps | error on flagged steps |\n|---|");
    for (int a = 0; a <= n_ath + 2; a++)
        fprintf(f, "---|");
    fputc('\n', f);
    for (int k = 0; k < nm; k++) {
        struct method *m = &ms[k];
        fprintf(f, "| %s |", m->name);
        struct metric_acc all = {0}, trusted = {0};
        double *w = NULL;
        int nw = 0, ok = 1;
        for (int a = 0; a < n_ath; a++) {
            struct cell *c = &m->c[a];
            if (!c->done) {
                fprintf(f, " - |");
                ok = 0;
                continue;
            }
            double *tmp = malloc(sizeof(double) * (size_t)(c->nw ? c->nw : 1));
            memcpy(tmp, c->wmae, sizeof(double) * (size_t)c->nw);
            fprintf(f, " %.2f / %.2f / %.2f |", metric_mae(&c->acc), metric_rmse(&c->acc), median_of(tmp, c->nw));
            free(tmp);
            metric_merge(&all, &c->acc);
            metric_merge(&trusted, &c->trusted);
            w = realloc(w, sizeof(double) * (size_t)(nw + c->nw + 1));
            memcpy(w + nw, c->wmae, sizeof(double) * (size_t)c->nw);
            nw += c->nw;
        }
        if (ok)
            fprintf(f, " **%.2f** / %.2f / %.2f | %.2f / %.2f | %.1f %% of the error, %.1f %% of the steps |\n",
                    metric_mae(&all), metric_rmse(&all), median_of(w, nw), metric_mae(&trusted), metric_rmse(&trusted),
                    all.abs_sum > 0 ? 100.0 * (all.abs_sum - trusted.abs_sum) / all.abs_sum : 0.0,
                    all.n > 0 ? 100.0 * (double)(all.n - trusted.n) / (double)all.n : 0.0);
        else
            fprintf(f, " - | - | - |\n");
        free(w);
    }
}

/* The diagnostics table: plain / recent-form corrected / oracle-offset MAE per athlete and overall. */
static void print_diag(FILE *f, struct diag_cell (*dg)[MAX_ATH], int rows, const char *const *names)
{
    fprintf(f, "\n#### Diagnostics: what corrections from earlier workouts, and what an oracle, would give\n\n"
               "MAE bpm on the chrono test parts: the prediction / corrected by the mean residual of the athlete's "
               "previous %d workouts by date (earlier HR only: allowed) / corrected by the test workout's own mean "
               "residual (an oracle that reads the HR being predicted: a bound, not a method).\n\n| method |",
            DIAG_RECENT_K);
    print_columns(f);
    for (int r = 0; r < rows; r++) {
        struct metric_acc all[3] = {{0}};
        fprintf(f, "| %s |", names[r]);
        for (int a = 0; a < n_ath; a++) {
            const struct diag_cell *c = &dg[r][a];
            fprintf(f, " %.2f / %.2f / %.2f |", metric_mae(&c->plain), metric_mae(&c->recent), metric_mae(&c->oracle));
            metric_merge(&all[0], &c->plain);
            metric_merge(&all[1], &c->recent);
            metric_merge(&all[2], &c->oracle);
        }
        fprintf(f, " **%.2f** / %.2f / %.2f |\n", metric_mae(&all[0]), metric_mae(&all[1]), metric_mae(&all[2]));
    }
}

static double overall_mae(const struct method *m)
{
    struct metric_acc all = {0};
    for (int a = 0; a < n_ath; a++)
        metric_merge(&all, &m->c[a].acc);
    return metric_mae(&all);
}

static void parse_kv(struct cfg *g, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq) {
        fprintf(stderr, "real_bench: '%s' is not key=value\n", kv);
        exit(2);
    }
    double v = atof(eq + 1);
    size_t k = (size_t)(eq - kv);
#define KEY(s) (k == strlen(s) && !strncmp(kv, s, k))
    if (KEY("threads")) g->threads = (int)v;
    else if (KEY("hidden")) g->hidden = (int)v;
    else if (KEY("epochs")) g->epochs = (int)v;
    else if (KEY("ft_epochs")) g->ft_epochs = (int)v;
    else if (KEY("patience")) g->patience = (int)v;
    else if (KEY("budget_general")) g->budget_general = v;
    else if (KEY("budget_cold")) g->budget_cold = v;
    else if (KEY("budget_ft")) g->budget_ft = v;
    else if (KEY("skip_cold")) g->skip_cold = (int)v;
    else if (KEY("variants")) g->variants = (int)v;
    else if (KEY("features")) snprintf(g->features, sizeof g->features, "%s", eq + 1);
    else if (KEY("loss")) snprintf(g->loss, sizeof g->loss, "%s", eq + 1);
    else if (KEY("batch")) g->batch = (int)v;
    else if (KEY("lr")) g->lr = v;
    else if (KEY("dropout")) g->dropout = v;
    else if (KEY("seed")) g->seed = (long)v;
    else if (KEY("ft_lr")) g->ft_lr = v;
    else {
        fprintf(stderr, "real_bench: unknown key in '%s'\n", kv);
        exit(2);
    }
#undef KEY
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: real_bench DATASET OUTDIR A1,A2,... [threads=2 hidden=64 epochs=30 ft_epochs=20 "
                        "patience=4 budget_general=S budget_cold=S budget_ft=S skip_cold=0 variants=5 features=default loss=mse batch=64 lr=5e-4 dropout=0.4 seed=42 ft_lr=5e-4]\n");
        return 2;
    }
    struct cfg g = {2, 64, 30, 20, 4, 0, 0, 0, 0, 5, "default", "", 0, 0, -1, 0, 0};
    for (int i = 4; i < argc; i++)
        parse_kv(&g, argv[i]);
    const char *ds_path = argv[1], *dir = argv[2];
    char *list = strdup(argv[3]);
    for (char *t = strtok(list, ","); t && n_ath < MAX_ATH; t = strtok(NULL, ","))
        ath[n_ath++] = t;
    struct dataset ds;
    struct hr_err e = {{0}};
    if (dataset_open(ds_path, &ds, &e))
        die("open", &e);
    hr_log_set_level(HR_LOG_WARN);
    static struct method ms[MAX_METHODS], cold[4];
    int nm = 0;
    char path[1200];

    /* personalised protocol: everything fitted on the chrono training part of every athlete */
    int ntr, nva;
    int *tr = dataset_select(&ds, SPLIT_CHRONO, PART_TRAIN, &ntr);
    int *va = dataset_select(&ds, SPLIT_CHRONO, PART_VAL, &nva);
    struct predictor p;
    snprintf(ms[nm].name, sizeof ms[nm].name, "constant (per-athlete mean)");
    fit_constant(&ds, tr, ntr, &p);
    for (int a = 0; a < n_ath; a++)
        eval_into(&ds, &p, a, &ms[nm]);
    predictor_free(&p);
    nm++;
    for (int personal = 0; personal < 2; personal++) {
        snprintf(ms[nm].name, sizeof ms[nm].name, personal ? "physio, per-athlete fit" : "physio, population only");
        fit_physio(&ds, tr, ntr, personal, &p);
        for (int a = 0; a < n_ath; a++)
            eval_into(&ds, &p, a, &ms[nm]);
        predictor_free(&p);
        nm++;
    }
    int i_physio_personal = nm - 1;
    char general[1200];
    snprintf(general, sizeof general, "%s/general.safetensors", dir);
    train_general(&ds, ds_path, &g, tr, ntr, va, nva, g.budget_general, general);
    snprintf(ms[nm].name, sizeof ms[nm].name, "LSTM general (chrono train of all)");
    load(general, &p);
    for (int a = 0; a < n_ath; a++)
        eval_into(&ds, &p, a, &ms[nm]);
    predictor_free(&p);
    nm++;
    int i_general = nm - 1;

    struct variant {
        const char *name;
        int freeze;
        float lr;
    } vars[] = {
        {"all weights, default lr", FT_FREEZE_NONE, 0.0f}, /* train_default_lr: 2e-3 physio-residual, else 5e-4 */
        {"all weights, lr 2e-4", FT_FREEZE_NONE, 2e-4f},
        {"last layer + head, lr 5e-4", FT_FREEZE_LOWER, 5e-4f},
        {"head only, lr 1e-3", FT_FREEZE_LSTM, 1e-3f},
        {"athlete embedding, lr 5e-3", FT_FREEZE_EMBED, 5e-3f},
    };
    int nvar = (int)(sizeof vars / sizeof vars[0]), first_var = nm;
    if (g.variants > 0 && g.variants < nvar)
        nvar = g.variants;
    for (int v = 0; v < nvar; v++) {
        struct method *m = &ms[nm++];
        snprintf(m->name, sizeof m->name, "LSTM finetuned: %s", vars[v].name);
        for (int a = 0; a < n_ath; a++) {
            struct finetune_opts fo;
            finetune_opts_default(&fo);
            fo.base_model = general;
            fo.athlete = ath[a];
            fo.freeze = vars[v].freeze;
            fo.lr = v == 0 && g.ft_lr > 0 ? (float)g.ft_lr : vars[v].lr;
            if (g.seed > 0)
                fo.seed = (uint64_t)g.seed;
            fo.epochs = g.ft_epochs;
            fo.patience = g.patience;
            fo.threads = g.threads;
            fo.time_budget = g.budget_ft;
            fo.dataset_path = ds_path;
            snprintf(path, sizeof path, "%s/ft-%d-%s.safetensors", dir, v, ath[a]);
            struct train_result r;
            if (finetune_lstm(&ds, &fo, path, &r, &e))
                die("finetune", &e);
            m->val_mae[a] = r.best_val_mae;
            fprintf(stderr, "real_bench: finetune %-28s %-32s val MAE %.2f (%d epochs, %.0f s)\n", vars[v].name,
                    ath[a], r.best_val_mae, r.epochs_run, r.seconds);
            load(path, &p);
            eval_into(&ds, &p, a, m);
            predictor_free(&p);
        }
    }
    /* the default variant: lowest mean validation MAE over the athletes (test parts never consulted) */
    int best_v = 0;
    double best_val = INFINITY;
    for (int v = 0; v < nvar; v++) {
        double s = 0;
        for (int a = 0; a < n_ath; a++)
            s += ms[first_var + v].val_mae[a];
        s /= n_ath;
        fprintf(stderr, "real_bench: variant %-28s mean val MAE %.2f\n", vars[v].name, s);
        if (s < best_val) {
            best_val = s;
            best_v = v;
        }
    }

    /* diagnostics (real_diag.h): per-athlete physio, the default finetune, the per-athlete variant chosen on
     * validation, and that variant blended with per-athlete physio (weight chosen on validation) */
    enum { D_PHYSIO, D_DEFAULT, D_CHOSEN, D_BLEND, D_ROWS };
    static const char *diag_names[D_ROWS] = {"physio, per-athlete fit", "LSTM finetuned, default variant",
                                             "LSTM finetuned, variant chosen per athlete on validation",
                                             "that LSTM blended with per-athlete physio (weight on validation)"};
    static struct diag_cell dg[D_ROWS][MAX_ATH];
    int chosen[MAX_ATH];
    {
        struct predictor ph, ft;
        fit_physio(&ds, tr, ntr, 1, &ph);
        for (int a = 0; a < n_ath; a++) {
            chosen[a] = 0;
            for (int v = 1; v < nvar; v++)
                if (ms[first_var + v].val_mae[a] < ms[first_var + chosen[a]].val_mae[a])
                    chosen[a] = v;
            real_diag(&ds, ath[a], &ph, NULL, &dg[D_PHYSIO][a]);
            snprintf(path, sizeof path, "%s/ft-%d-%s.safetensors", dir, best_v, ath[a]);
            load(path, &ft);
            real_diag(&ds, ath[a], &ft, NULL, &dg[D_DEFAULT][a]);
            predictor_free(&ft);
            snprintf(path, sizeof path, "%s/ft-%d-%s.safetensors", dir, chosen[a], ath[a]);
            load(path, &ft);
            real_diag(&ds, ath[a], &ft, NULL, &dg[D_CHOSEN][a]);
            real_diag(&ds, ath[a], &ft, &ph, &dg[D_BLEND][a]);
            predictor_free(&ft);
        }
        predictor_free(&ph);
    }

    /* cold start: leave one athlete out */
    int nc = 0;
    if (!g.skip_cold) {
        snprintf(cold[0].name, sizeof cold[0].name, "constant (population mean)");
        snprintf(cold[1].name, sizeof cold[1].name, "physio, population only");
        snprintf(cold[2].name, sizeof cold[2].name, "LSTM cold start");
        nc = 3;
        for (int a = 0; a < n_ath; a++) {
            int nt, nv;
            int *ctr = select_where(&ds, &nt, ath[a], 0, 1 << PART_TRAIN | 1 << PART_TEST);
            int *cva = select_where(&ds, &nv, ath[a], 0, 1 << PART_VAL);
            fit_constant(&ds, ctr, nt, &p);
            eval_into(&ds, &p, a, &cold[0]);
            predictor_free(&p);
            fit_physio(&ds, ctr, nt, 0, &p);
            eval_into(&ds, &p, a, &cold[1]);
            predictor_free(&p);
            snprintf(path, sizeof path, "%s/cold-%s.safetensors", dir, ath[a]);
            train_general(&ds, ds_path, &g, ctr, nt, cva, nv, g.budget_cold, path);
            load(path, &p);
            eval_into(&ds, &p, a, &cold[2]);
            predictor_free(&p);
            free(ctr);
            free(cva);
        }
    }

    FILE *outs[2] = {stdout, NULL};
    snprintf(path, sizeof path, "%s/real.md", dir);
    outs[1] = fopen(path, "w");
    for (int k = 0; k < 2; k++) {
        FILE *f = outs[k];
        if (!f)
            continue;
        print_table(f, ms, nm, "#### Personalised (chrono split)");
        fprintf(f, "\nFinetune variant kept as the default (lowest mean validation MAE, %.2f bpm): **%s**.\n",
                best_val, vars[best_v].name);
        fprintf(f, "Mean validation MAE per variant:");
        for (int v = 0; v < nvar; v++) {
            double s = 0;
            for (int a = 0; a < n_ath; a++)
                s += ms[first_var + v].val_mae[a];
            fprintf(f, "%s %s %.2f", v ? ";" : "", vars[v].name, s / n_ath);
        }
        fprintf(f, ".\n");
        double ft = overall_mae(&ms[first_var + best_v]), ph = overall_mae(&ms[i_physio_personal]),
               ge = overall_mae(&ms[i_general]);
        fprintf(f, "Default finetuned LSTM overall: %.2f bpm MAE (goal <= 7), %.1f %% vs per-athlete physio %.2f (goal >= 15 %% better), %.1f %% vs the general LSTM %.2f.\n",
                ft, 100.0 * (1 - ft / ph), ph, 100.0 * (1 - ft / ge), ge);
        print_diag(f, dg, D_ROWS, diag_names);
        fprintf(f, "\nVariant chosen per athlete on validation:");
        for (int a = 0; a < n_ath; a++)
            fprintf(f, "%s %s: %s", a ? ";" : "", ath[a], vars[chosen[a]].name);
        fprintf(f, ". Blend weight of the LSTM:");
        for (int a = 0; a < n_ath; a++)
            fprintf(f, "%s %s %.1f", a ? ";" : "", ath[a], dg[D_BLEND][a].weight);
        fprintf(f, ".\n");
        if (nc) {
            print_table(f, cold, nc, "#### Cold start (leave one athlete out)");
            double cl = overall_mae(&cold[2]), pp = overall_mae(&cold[1]);
            fprintf(f, "\nCold-start LSTM overall %.2f bpm vs population physio %.2f bpm (%.1f %%).\n", cl, pp,
                    100.0 * (1 - cl / pp));
        }
    }
    if (outs[1])
        fclose(outs[1]);
    for (int k = 0; k < nm; k++)
        for (int a = 0; a < n_ath; a++)
            free(ms[k].c[a].wmae);
    for (int k = 0; k < nc; k++)
        for (int a = 0; a < n_ath; a++)
            free(cold[k].c[a].wmae);
    free(tr);
    free(va);
    free(list);
    dataset_close(&ds);
    return 0;
}
