/* parquet_read.c — Parquet file -> struct workout, one per row (see parquet.h, docs/parquet.md).
 * Finds the columns by top-level name, decodes the needed column chunks of one row group at a time,
 * splits each column into rows with the repetition/definition levels, and maps them to workouts.
 * hrcast's own layout also brings back the stored HR-quality verdicts (list `hr_issue` of enum hr_issue
 * codes; a null list: none stored). */
#include "io/hr_issue.h"
#include "io/parquet/parquet.h"
#include "io/parquet/parquet_column.h"
#include "io/parquet/parquet_meta.h"
#include "util/log.h"
#include "util/median.h"
#include "util/utf8.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum role {
    R_TIME, R_TIMESTAMP, R_HR, R_SPEED, R_SPEED_MS, R_SPEED_KMH, R_ALT, R_DIST, R_LAT, R_LON, R_ISSUE,
    R_LIST_END, /* roles above are per-sample lists, below per-row scalars */
    R_ID = R_LIST_END, R_ATHLETE, R_SPORT, R_GENDER, R_START, R_STEP, R_DEVICE, R_SENSOR, R_TITLE, R_COUNT
};

static const char *const role_names[R_COUNT][4] = {
    [R_TIME] = {"time", "elapsed_time"},
    [R_TIMESTAMP] = {"timestamp"},
    [R_HR] = {"heart_rate", "hr", "heartrate"},
    [R_SPEED] = {"speed"},
    [R_SPEED_MS] = {"speed_ms", "speed_mps"},
    [R_SPEED_KMH] = {"speed_kmh"},
    [R_ALT] = {"altitude", "alt", "enhanced_altitude"},
    [R_DIST] = {"distance"},
    [R_LAT] = {"latitude", "lat"},
    [R_LON] = {"longitude", "lon", "lng"},
    [R_ISSUE] = {"hr_issue"},
    [R_ID] = {"id"},
    [R_ATHLETE] = {"athlete", "userId", "user_id"},
    [R_SPORT] = {"sport"},
    [R_GENDER] = {"gender"},
    [R_START] = {"start_time"},
    [R_STEP] = {"step_s"},
    [R_DEVICE] = {"device"},
    [R_SENSOR] = {"hr_sensor"},
    [R_TITLE] = {"title"},
};

/* A column split into rows: row r owns slots [row[r], row[r+1]); slot value index or -1 (null). */
struct rows {
    size_t *row;
    int64_t *val;
};

struct ctx {
    const char *name;
    const uint8_t *buf;
    size_t n;
    struct pq_file_meta meta;
    struct pq_leaf *leaves;
    int n_leaves;
    int col[R_COUNT];       /* leaf index per role, -1 absent */
    struct pq_column data[R_COUNT];
    struct rows rows[R_COUNT];
    double speed_factor;    /* multiply the file's speed to get m/s */
    int speed_by_layout;    /* km/h decided by the layout alone (FitRec's): checked against the speeds read */
    int warned_speed;
    struct pq_budget budget;
};

static int fail_at(struct hr_err *e, const char *name, size_t at, const char *what, const char *why)
{
    return hr_fail_at(e, name, (long long)at, "%s%s", what, why);
}

static int find_columns(struct ctx *c, struct hr_err *e)
{
    for (int r = 0; r < R_COUNT; r++) {
        c->col[r] = -1;
        for (int k = 0; k < 4 && role_names[r][k]; k++) {
            int found = -1, count = 0;
            for (int i = 0; i < c->n_leaves; i++) {
                if (strcasecmp(c->leaves[i].top, role_names[r][k]) == 0) {
                    found = i;
                    count++;
                }
            }
            if (count != 1)
                continue; /* absent, or a struct with several leaves: not ours */
            const struct pq_leaf *l = &c->leaves[found];
            int is_list = r < R_LIST_END;
            if (is_list && l->max_rep != 1) {
                hr_warn("%s: 0: column %s is not a list of numbers; ignored", c->name, l->top);
                continue;
            }
            if (!is_list && l->max_rep != 0) {
                hr_warn("%s: 0: column %s is not a scalar; ignored", c->name, l->top);
                continue;
            }
            c->col[r] = found;
            break;
        }
    }
    if (c->col[R_TIME] < 0 && c->col[R_TIMESTAMP] < 0 && c->col[R_STEP] < 0)
        return hr_fail_at(e, c->name, 0,
                          "missing column: needs a time base (list `time` or `timestamp`, or scalar `step_s`)");
    if (c->col[R_HR] < 0 && c->col[R_SPEED] < 0 && c->col[R_SPEED_MS] < 0 && c->col[R_SPEED_KMH] < 0)
        return hr_fail_at(e, c->name, 0, "missing column: needs a `heart_rate` or `speed` list column");
    return 0;
}

/* The speed unit rule (docs/parquet.md): key/value metadata, then the column name, then the layout. */
static void decide_speed_unit(struct ctx *c)
{
    const char *kv = pq_meta_kv(&c->meta, "hrcast.speed_unit");
    c->speed_factor = 1.0;
    if (kv && (strcasecmp(kv, "km/h") == 0 || strcasecmp(kv, "kmh") == 0)) {
        c->speed_factor = 1.0 / 3.6;
        return;
    }
    if (kv && (strcasecmp(kv, "m/s") == 0 || strcasecmp(kv, "mps") == 0))
        return;
    if (c->col[R_SPEED] < 0)
        return; /* speed_ms / speed_kmh carry their unit in the name */
    int ours = c->col[R_TIME] >= 0 || c->col[R_STEP] >= 0;
    if (!ours) { /* the FitRec/Endomondo publication stores km/h */
        c->speed_factor = 1.0 / 3.6;
        c->speed_by_layout = 1;
    }
}

/* Speeds read as km/h by the layout rule whose moving median is then a walk (under 1.5 m/s, 5.4 km/h): more
 * likely m/s in a file laid out like FitRec's (a FIT file turned into a table: timestamp + speed). Said once
 * per file (until 2026-12-07 such a run became a 3 km/h walk without a word). */
#define PQ_KMH_WALK_MS 1.5
static void check_layout_speed(struct ctx *c, const struct workout *w)
{
    if (!c->speed_by_layout || c->warned_speed)
        return;
    double med = median_above(w->speed, w->n, 0.0f, NAN);
    if (!(med < PQ_KMH_WALK_MS))
        return;
    hr_warn("%s: the speed column has no unit and is read as km/h (the FitRec layout: timestamp and speed), but "
            "its moving median is then %.2f m/s, a walk; if it holds m/s, name the column speed_ms or set the "
            "key hrcast.speed_unit to m/s (docs/parquet.md)", c->name, med);
    c->warned_speed = 1;
}

static int split_rows(const struct pq_column *d, const struct pq_leaf *l, int64_t n_rows, struct rows *out,
                      const char **why)
{
    out->row = malloc(((size_t)n_rows + 1) * sizeof *out->row);
    out->val = malloc((d->n_levels ? d->n_levels : 1) * sizeof *out->val);
    if (!out->row || !out->val) {
        *why = "out of memory";
        return -1;
    }
    size_t slots = 0, vi = 0;
    int64_t r = -1;
    for (size_t k = 0; k < d->n_levels; k++) {
        int def = l->max_def ? d->def[k] : 0;
        int rep = l->max_rep ? d->rep[k] : 0;
        if (rep == 0) {
            if (++r >= n_rows) {
                *why = "column holds more rows than its row group";
                return -1;
            }
            out->row[r] = slots;
        }
        if (def == l->max_def) {
            if (vi >= d->n_vals) {
                *why = "fewer values than definition levels say";
                return -1;
            }
            out->val[slots++] = (int64_t)vi++;
        } else if (l->max_rep > 0 ? def >= l->rep_def : 1) {
            out->val[slots++] = -1; /* null element (lists) or null scalar */
        } /* else: empty or null list, no slot */
    }
    if (r + 1 != n_rows) {
        *why = "column holds fewer rows than its row group";
        return -1;
    }
    out->row[n_rows] = slots;
    return 0;
}

static void free_group(struct ctx *c)
{
    for (int r = 0; r < R_COUNT; r++) {
        pq_column_free(&c->data[r]);
        free(c->rows[r].row);
        free(c->rows[r].val);
        memset(&c->rows[r], 0, sizeof c->rows[r]);
    }
}

static size_t row_len(const struct ctx *c, int role, int64_t r)
{
    return c->col[role] < 0 ? 0 : c->rows[role].row[r + 1] - c->rows[role].row[r];
}

/* Value of slot i of row r of a role, NaN when null or absent. */
static double row_num(const struct ctx *c, int role, int64_t r, size_t i)
{
    if (c->col[role] < 0 || i >= row_len(c, role, r))
        return NAN;
    int64_t v = c->rows[role].val[c->rows[role].row[r] + i];
    if (v < 0)
        return NAN;
    return pq_column_num(&c->data[role], &c->leaves[c->col[role]], (size_t)v);
}

/* Scalar string (or number printed) of row r; returns 0 when absent/null. */
static int row_str(const struct ctx *c, int role, int64_t r, char *dst, size_t cap)
{
    dst[0] = '\0';
    if (c->col[role] < 0 || row_len(c, role, r) < 1)
        return 0;
    int64_t v = c->rows[role].val[c->rows[role].row[r]];
    if (v < 0)
        return 0;
    const struct pq_leaf *l = &c->leaves[c->col[role]];
    const struct pq_column *d = &c->data[role];
    if (l->type == PQ_BYTE_ARRAY || l->type == PQ_FIXED) {
        size_t a = d->off[v], b = d->off[v + 1], len = b - a;
        if (len >= cap)
            len = cap - 1;
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = d->bytes[a + i];
            dst[i] = (char)(ch < 0x20 ? ' ' : ch);
        }
        dst[len] = '\0';
        return 1;
    }
    double x = pq_column_num(d, l, (size_t)v);
    if (l->type == PQ_INT32 || l->type == PQ_INT64 || l->type == PQ_BOOLEAN)
        snprintf(dst, cap, "%lld", (long long)d->i64[v]);
    else
        snprintf(dst, cap, "%.17g", x);
    return 1;
}

static double time_scale(const struct ctx *c, int role, double v)
{
    const struct pq_leaf *l = &c->leaves[c->col[role]];
    if (l->ts_div)
        return v / (double)l->ts_div;
    return v;
}

/* Build the workout of row r; returns 1 when built, 0 when the row was skipped. */
static int build_row(struct ctx *c, int64_t r, long long global_row, struct workout *w)
{
    workout_reset(w);
    char s[WK_SOURCE_LEN];
    snprintf(w->source, sizeof w->source, "%.480s#row %lld", c->name, global_row);
    if (row_str(c, R_ID, r, s, sizeof s))
        w->id = strtoll(s, NULL, 10);
    if (row_str(c, R_ATHLETE, r, s, sizeof s))
        utf8_copy(w->athlete, sizeof w->athlete, s); /* cut between characters, never inside one */
    if (row_str(c, R_SPORT, r, s, sizeof s))
        workout_set_sport(w, s);
    if (row_str(c, R_DEVICE, r, s, sizeof s))
        utf8_copy(w->device, sizeof w->device, s);
    if (row_str(c, R_SENSOR, r, s, sizeof s))
        snprintf(w->hr_sensor, sizeof w->hr_sensor, "%.15s", s);
    if (row_str(c, R_TITLE, r, s, sizeof s))
        workout_set_title(w, s);
    if (row_str(c, R_GENDER, r, s, sizeof s))
        w->gender = (s[0] == 'm' || s[0] == 'M') ? 'm' : (s[0] == 'f' || s[0] == 'F') ? 'f' : 'u';
    double start = row_num(c, R_START, r, 0);
    if (c->col[R_START] >= 0 && c->leaves[c->col[R_START]].ts_div)
        start /= (double)c->leaves[c->col[R_START]].ts_div;

    int tb = c->col[R_TIME] >= 0 ? R_TIME : c->col[R_TIMESTAMP] >= 0 ? R_TIMESTAMP : R_STEP;
    static const int chans[] = {R_HR, R_SPEED, R_SPEED_MS, R_SPEED_KMH, R_ALT, R_DIST, R_LAT, R_LON, R_ISSUE};
    size_t n = 0;
    if (tb != R_STEP) {
        n = row_len(c, tb, r);
    } else {
        for (size_t k = 0; k < sizeof chans / sizeof *chans; k++)
            if (row_len(c, chans[k], r) > n)
                n = row_len(c, chans[k], r);
    }
    for (size_t k = 0; k < sizeof chans / sizeof *chans; k++) {
        size_t len = row_len(c, chans[k], r);
        if (c->col[chans[k]] >= 0 && len != 0 && len != n) {
            hr_warn("%s: row %lld: column %s has %zu values but the time base has %zu; row skipped", c->name,
                    global_row, c->leaves[c->col[chans[k]]].top, len, n);
            return 0;
        }
    }
    double step = row_num(c, R_STEP, r, 0);
    if (tb == R_STEP && !(step > 0)) {
        hr_warn("%s: row %lld: no time column and step_s is missing or not positive; row skipped", c->name,
                global_row);
        return 0;
    }
    if (tb == R_TIMESTAMP && isnan(start) && n > 0)
        start = time_scale(c, R_TIMESTAMP, row_num(c, R_TIMESTAMP, r, 0));
    w->start_time = start;
    if (step > 0 && c->col[R_STEP] >= 0)
        w->grid_step = (float)step; /* hrcast's own layout: already a clean grid */
    /* the stored verdicts: every value a code of enum hr_issue, else the row is not ours */
    w->has_hr_issue = c->col[R_ISSUE] >= 0 && row_len(c, R_ISSUE, r) > 0;
    for (size_t i = 0; w->has_hr_issue && i < n; i++) {
        double v = row_num(c, R_ISSUE, r, i);
        if (!(v >= 0 && v < HRQ_COUNT && v == floor(v))) {
            hr_warn("%s: row %lld: hr_issue[%zu] = %g is not a verdict code 0-%d (docs/parquet.md); row skipped",
                    c->name, global_row, i, v, HRQ_COUNT - 1);
            return 0;
        }
    }
    int grow = workout_reserve(w, n);
    if (grow)
        return grow;
    double first = NAN;
    for (size_t i = 0; i < n; i++) {
        double t;
        if (tb == R_STEP) {
            t = (double)i * step;
        } else {
            t = time_scale(c, tb, row_num(c, tb, r, i));
            if (isnan(first))
                first = t;
        }
        if (isnan(t))
            continue; /* a sample without time cannot be placed */
        /* hrcast layout: `time` is elapsed seconds; made absolute when start_time is known */
        if (tb != R_TIMESTAMP && isfinite(start) && (tb == R_STEP || fabs(first) < 1e8))
            t += start;
        long j = workout_push(w, t);
        if (j < 0)
            return (int)j;
        w->hr[j] = (float)row_num(c, R_HR, r, i);
        double sp = row_num(c, R_SPEED, r, i) * c->speed_factor;
        if (isnan(sp))
            sp = row_num(c, R_SPEED_MS, r, i);
        if (isnan(sp))
            sp = row_num(c, R_SPEED_KMH, r, i) / 3.6;
        w->speed[j] = (float)sp;
        w->alt[j] = (float)row_num(c, R_ALT, r, i);
        w->dist[j] = (float)row_num(c, R_DIST, r, i);
        w->lat[j] = row_num(c, R_LAT, r, i);
        w->lon[j] = row_num(c, R_LON, r, i);
        w->hr_issue[j] = w->has_hr_issue ? (uint8_t)row_num(c, R_ISSUE, r, i) : HRQ_TRUSTED;
    }
    return 1;
}

int parquet_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o,
                 workout_sink sink, void *ctx_, struct hr_err *e)
{
    if (n < 4 || memcmp(buf, "PAR1", 4) != 0)
        return hr_fail_at(e, name, 0, "not a Parquet file (no PAR1 magic)");
    if (n < 12 || memcmp(buf + n - 4, "PAR1", 4) != 0)
        return hr_fail_at(e, name, (long long)(n >= 4 ? n - 4 : 0),
                          "truncated Parquet file (no PAR1 magic at the end)");
    uint32_t flen = (uint32_t)buf[n - 8] | (uint32_t)buf[n - 7] << 8 | (uint32_t)buf[n - 6] << 16 |
                    (uint32_t)buf[n - 5] << 24;
    if (flen > n - 12)
        return hr_fail_at(e, name, (long long)(n - 8), "footer length %u is larger than the file", flen);
    size_t foot = n - 8 - flen;
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.name = name;
    c.buf = buf;
    c.n = n;
    struct hr_limits lim;
    if (o)
        lim = o->lim;
    else
        hr_limits_default(&lim);
    pq_budget_init(&c.budget, lim.max_inflate, lim.max_samples);
    const char *why = NULL;
    size_t at = 0;
    if (pq_meta_decode(buf + foot, flen, lim.max_footer, &c.meta, &why, &at)) {
        if (!strcmp(why, PQ_FOOTER_OVER_LIMIT))
            return hr_fail_at(e, name, (long long)(foot + at),
                              "footer declares more than %zu elements: exceeds the %zu-element limit (--max-footer)",
                              lim.max_footer, lim.max_footer);
        return fail_at(e, name, foot + at, "corrupt footer: ", why);
    }
    int rc = -1;
    struct workout w;
    workout_init(&w);
    w.max_n = o ? o->lim.max_samples : HR_LIMIT_SAMPLES;
    if (pq_schema_leaves(&c.meta, &c.leaves, &c.n_leaves, &why)) {
        fail_at(e, name, foot, "corrupt footer: ", why);
        goto out;
    }
    if (find_columns(&c, e))
        goto out;
    decide_speed_unit(&c);
    long long global_row = 0;
    for (int g = 0; g < c.meta.n_rgs; g++) {
        const struct pq_row_group *rg = &c.meta.rgs[g];
        if (rg->n_cols != c.n_leaves) {
            hr_fail_at(e, name, foot, "row group %d has %d column chunks, the schema %d leaves", g, rg->n_cols,
                       c.n_leaves);
            goto out;
        }
        if (rg->num_rows < 0 || (uint64_t)rg->num_rows > c.budget.bytes_left / HR_LIMIT_PARQUET_VALUE_BYTES) {
            hr_fail_at(e, name, foot, "row group %d: implausible row count %lld", g, (long long)rg->num_rows);
            goto out;
        }
        for (int r = 0; r < R_COUNT; r++) {
            int li = c.col[r];
            if (li < 0)
                continue;
            const struct pq_column_chunk *cc = &rg->cols[li];
            if (cc->path_len < 1 || strcmp(cc->path[0], c.leaves[li].top) != 0) {
                hr_fail_at(e, name, foot, "row group %d: column chunk %d does not match the schema", g, li);
                goto group_fail;
            }
            if (pq_column_read(buf, foot, cc, &c.leaves[li], rg->num_rows, &c.budget, &c.data[r], &why, &at)) {
                hr_fail_at(e, name, (long long)at, "column %s: %s", c.leaves[li].top, why);
                goto group_fail;
            }
            if (split_rows(&c.data[r], &c.leaves[li], rg->num_rows, &c.rows[r], &why)) {
                hr_fail_at(e, name, (long long)cc->data_page_offset, "column %s: %s", c.leaves[li].top, why);
                goto group_fail;
            }
        }
        for (int64_t r = 0; r < rg->num_rows; r++, global_row++) {
            int b = build_row(&c, r, global_row, &w);
            if (b < 0) {
                char why[160];
                hr_fail_at(e, name, 0, "row %lld: %s", global_row, workout_grow_why(&w, b, why, sizeof why));
                goto group_fail;
            }
            if (b)
                check_layout_speed(&c, &w);
            if (b && sink(ctx_, &w)) {
                free_group(&c);
                rc = 0;
                goto out;
            }
        }
        free_group(&c);
    }
    rc = 0;
    goto out;
group_fail:
    free_group(&c);
out:
    workout_free(&w);
    free(c.leaves);
    pq_meta_free(&c.meta);
    return rc;
}
