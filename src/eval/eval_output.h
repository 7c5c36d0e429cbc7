/* eval_output.h — what `hrcast eval` writes: the JSON object (metrics.json / --json), the Markdown
 * table (metrics.md), the figures (PNG) and the self-contained HTML report. */
#ifndef HRCAST_EVAL_EVAL_OUTPUT_H
#define HRCAST_EVAL_EVAL_OUTPUT_H
#include <stdio.h>
#include "eval/evaluate.h"
#include "util/json.h"

struct live_report;

struct eval_context {
    const char *model_path;
    const char *model_card_json; /* the model's metadata JSON (may be NULL) */
    const char *dataset_path;
    const char *split;           /* "athlete:test", ... */
    const char *log_path;        /* training JSONL log if found (may be NULL) */
    uint64_t seed;
    const char *model_hash;      /* "fnv1a64:..." of the model file: `hrcast card` checks it (may be NULL) */
    int overlap_checked;         /* the model's card named this dataset, so the two counts are exact */
    int seen_in_training, seen_in_validation; /* workouts of the selection the model trained / validated on */
    /* eval --calibrate W -o DIR: the live forecasting numbers (eval/live_report.h), written as their own
     * section and figure, apart from the offline tables; NULL = none */
    const struct live_report *live;
    int recent_form; /* eval --recent-form: every model's runs shifted by the runner's recent form */
    /* eval --physio FILE: the physio baseline was read from this file (its "fnv1a64:..." hash), not fitted on
     * the split's training part; NULL = fitted */
    const char *physio_file, *physio_hash;
    const char *command; /* the eval command as run, shell-quoted: pasted, it writes the same report (may be NULL) */
    const char *precision; /* the model's forward: "fp32", or "int8"/"bf16" (eval --int8/--bf16); NULL = fp32 */
};

/* The sentence that says the model's numbers come from a low-precision forward ("" for fp32 or NULL): for
 * metrics.md, report.html and the model card, which reads metrics.json's "precision". */
void eval_precision_note(char *buf, size_t cap, const char *precision);
/* Why the numbers are optimistic, not held out ("" when they are held out): workouts of the selection the model
 * trained on (seen_train, eval --allow-overlap) or validated on (seen_val, they chose its best epoch), a split
 * labelled NOT HELD OUT, or a part that is not a test part. For metrics.md, report.html and the model card. */
void eval_optimism_note(char *buf, size_t cap, const char *split, int seen_train, int seen_val, int workouts);

/* One sentence on where the baselines came from ("" when there are none), for metrics.md and report.html. */
void eval_baselines_source(char *buf, size_t cap, const struct evaluation *ev, const struct eval_context *cx);

/* One JSON object: mae, rmse, bias, workouts, steps, ..., baselines {name: {mae, rmse, ...}}. */
void eval_write_json(struct jw *w, const struct evaluation *ev, const struct eval_context *cx);
/* Human table on f (stdout). */
void eval_print_table(FILE *f, const struct evaluation *ev, const struct eval_context *cx);
/* metrics.md */
int eval_write_markdown(const char *path, const struct evaluation *ev, const struct eval_context *cx,
                        struct hr_err *e);

/* Figures into dir; names[] receives the written file names (no dir), *n their count (<= 16). */
#define EVAL_MAX_FIGURES 16
struct eval_figure {
    char file[64];
    char caption[256];
};
int eval_write_figures(const char *dir, const struct dataset *ds, const struct evaluation *ev,
                       const struct eval_context *cx, struct eval_figure *figs, int *n, struct hr_err *e);
/* DIR/report.html: model card, metrics with baselines and CIs, the figures embedded (base64). */
int eval_write_html(const char *dir, const struct evaluation *ev, const struct eval_context *cx,
                    const struct eval_figure *figs, int nfig, struct hr_err *e);

#endif
