/* table.h — what a plan shows: per-kilometre rows (pace, mean grade, predicted HR at the end of the
 * km, elapsed time), printed as a text table or one JSON object, and the plan figure (predicted HR,
 * pace and altitude along the course, PNG or SVG by extension). */
#ifndef HRCAST_PLAN_TABLE_H
#define HRCAST_PLAN_TABLE_H
#include "model/recent_form.h"
#include <stdio.h>
#include "plan/course.h"
#include "plan/optimiser.h"
#include "plan/so_far.h"
#include "util/err.h"
#include "util/json.h"

struct plan_km {
    double start_m, end_m; /* the last row may be shorter than 1 km */
    double pace_s_per_km;
    double grade_pct;      /* (alt(end) - alt(start)) / length * 100 */
    double hr_end;         /* predicted HR when reaching end_m */
    double elapsed_s;      /* at end_m */
};

/* Rows for every (partial) kilometre; *rows malloc'ed. Returns the count, -1 when out of memory. */
int plan_km_rows(const struct plan_course *c, const struct plan_result *r, struct plan_km **rows);
/* The same for the rest of a race that began origin_m before the course's start (plan --so-far): the
 * rows end at the race's whole kilometres (the first row runs from the start to the next one). */
int plan_km_rows_from(const struct plan_course *c, const struct plan_result *r, double origin_m,
                      struct plan_km **rows);

/* Describes the run for the header / JSON. */
struct plan_info {
    const char *model_path;
    const char *model_kind;
    float model_step;
    double target_s; /* what was asked */
    int fixed_pace;  /* 1 when the target came from --pace */
    /* re-planning (plan --so-far): the part already run; the course and target are then the rest, and
     * kilometres and elapsed times are printed from the race's start. NULL = a plan from the start. */
    const struct plan_so_far *so_far;
    const char *so_far_path;
    /* plan --recent-form: what the runner's runs changed in every prediction (model/recent_form.h); NULL: not
     * asked */
    const struct form_use *recent_form;
};

/* "h:mm:ss" (or "m:ss" when short = 1 and under an hour) into buf. */
void plan_fmt_time(double s, int short_form, char *buf, size_t n);

int plan_print_table(FILE *f, const struct plan_info *in, const struct plan_course *c,
                     const struct plan_result *r, struct hr_err *e);
/* One JSON object (compact, newline-terminated) with the same content. */
int plan_print_json(FILE *f, const struct plan_info *in, const struct plan_course *c,
                    const struct plan_result *r, struct hr_err *e);
/* Predicted HR (with the cap as a line), pace and altitude against distance (km). */
int plan_plot(const char *path, const struct plan_info *in, const struct plan_course *c,
              const struct plan_result *r, struct hr_err *e);

#endif
