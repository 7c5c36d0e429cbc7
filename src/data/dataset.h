/* dataset.h — the dataset file (.hrd): many series + metadata + stored splits + rejection counts.
 * Written once by `hrcast import` / `hrcast simulate`, read whole into memory by everything after
 * (not mapped: a shared mapping dies of SIGBUS when the file is truncated while open).
 * Layout: see docs/dataset-format.md. */
#ifndef HRCAST_DATA_DATASET_H
#define HRCAST_DATA_DATASET_H
#include <stddef.h>
#include <stdint.h>
#include "prep/series.h"
#include "util/err.h"

enum split_kind { SPLIT_ATHLETE = 0, /* athlete-disjoint 70/15/15 */
                  SPLIT_CHRONO = 1,  /* per-athlete chronological 70/10/rest, rounded down */
                  SPLIT_KINDS };
enum split_part { PART_TRAIN = 0, PART_VAL = 1, PART_TEST = 2, PART_NONE = 255 };

/* The grid steps a dataset may have: import's and simulate's --step range, and what dataset_open accepts. */
#define DS_STEP_MIN GRID_STEP_MIN
#define DS_STEP_MAX GRID_STEP_MAX

#define DS_MAX_REJECT 32
#define DS_REASON_LEN 32

struct ds_reject {
    char reason[DS_REASON_LEN];
    long long count;
};

struct dataset {
    int version;        /* of the file: 1 has no HR-quality verdicts (series hr_issue NULL) */
    int n;              /* series */
    float step;         /* grid step, seconds */
    uint64_t split_seed;
    struct series_meta *meta; /* n entries (copied out of the file) */
    int *len;                 /* steps per series */
    uint64_t *offset;         /* byte offset of each series' float block */
    uint8_t *split[SPLIT_KINDS]; /* n entries each: enum split_part */
    struct ds_reject reject[DS_MAX_REJECT];
    int n_reject;
    char source_desc[256]; /* "import of ...", "simulate --athletes 60 ..." */
    /* mapping */
    void *map;          /* the whole file, read into private memory */
    size_t map_len;
};

/* Reads the whole file and checks it: structure (a file cut short says "truncated"), then every
 * enumerated or bounded value (step, split parts, gender, flags, valid-HR fraction, series length,
 * verdict codes), refusing with "PATH: workout N: FIELD VALUE is not ..." (-1, e filled). */
int dataset_open(const char *path, struct dataset *ds, struct hr_err *e);
void dataset_close(struct dataset *ds);
/* A view of series i into the mapping (owns = 0; valid until dataset_close). */
void dataset_series(const struct dataset *ds, int i, struct series *out);
/* Indices of the series in one part of one split (malloc'ed, count in *n). */
int *dataset_select(const struct dataset *ds, enum split_kind kind, enum split_part part, int *n);
const char *split_part_name(enum split_part p);
/* Workouts without a start time (returned): *left_out in no chrono part, *by_name in one by file-name order
 * (chrono_undated_text words them). */
int dataset_chrono_undated(const struct dataset *ds, int *left_out, int *by_name);
/* Steps per HR-quality verdict (enum hr_issue) over all series (counts[HRQ_COUNT]); truth: the
 * injected artifacts instead (simulated data). -1 when the file has none (version 1, or no truth). */
int dataset_hr_quality(const struct dataset *ds, int truth, long long *counts);
/* Parse "athlete:test", "chrono:val", "test" (= athlete:test), "chrono" (= chrono:test), "athlete",
 * "all" (kind=-1). */
int parse_split_spec(const char *spec, int *kind, int *part);

struct dataset_writer; /* opaque */
struct dataset_writer *dataset_writer_open(const char *path, float step, struct hr_err *e);
int dataset_writer_add(struct dataset_writer *w, const struct series *s, struct hr_err *e);
void dataset_writer_set_rejects(struct dataset_writer *w, const struct ds_reject *r, int n);
void dataset_writer_set_desc(struct dataset_writer *w, const char *desc);
/* Compute the stored splits (seeded), write the index, rename into place. Frees w. */
int dataset_writer_finish(struct dataset_writer *w, uint64_t split_seed, struct hr_err *e);
void dataset_writer_abort(struct dataset_writer *w);

#endif
