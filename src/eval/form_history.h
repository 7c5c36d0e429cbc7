/* form_history.h — the recent-form history of a dataset for `hrcast eval --recent-form` (model/recent_form.h):
 * a model's mean residual on every workout that the split leaves out of its training part (validation and
 * test), for the athletes of the evaluated selection, so that each evaluated run is shifted by how far the
 * model was off on that runner's runs of the days before it. Training workouts never count: a model fitted
 * on them is too good there. */
#ifndef HRCAST_EVAL_FORM_HISTORY_H
#define HRCAST_EVAL_FORM_HISTORY_H
#include "data/dataset.h"
#include "data/runs.h"
#include "model/recent_form.h"

/* Measures p on the workouts of ds that are not in the training part of split `kind` and whose athlete runs
 * one of the selection idx[0..n); appends one entry per workout with FORM_MIN_S seconds of trusted HR. 0, or
 * -1 with e filled. */
int form_history_from_dataset(const struct predictor *p, const struct dataset *ds, enum split_kind kind,
                              const int *idx, int n, struct form_history *h, struct hr_err *e);

/* Measures p on every run of `runs` into h, for `predict --recent-form`, `plan` and the server's earlier runs:
 * with `athlete` given, a run that names another runner (a dataset of several) is left out (h->others grows;
 * until 2026-12-07 it was renamed and counted) and one that names no one is named `athlete`; runs that all name
 * one other runner (a one-runner dataset: an import names the folder) are named `athlete` and counted
 * (h->renamed grows, h->renamed_from names them); without ("" or
 * NULL), a run that names no one gets the name p predicts it as (predictor_runner). Each gets `gender` when
 * given (0: the file's). *short_run (may be NULL) is called with each
 * run that has less than FORM_MIN_S seconds of trusted HR (not counted). 0, or -1 with e filled. */
int form_history_from_runs(const struct predictor *p, struct run_list *runs, const char *athlete, char gender,
                           void (*short_run)(const struct series *s), struct form_history *h, struct hr_err *e);

#endif
