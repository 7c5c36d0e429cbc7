/* parquet_card.h — the Hugging Face dataset card (README.md with the YAML header the Hub reads)
 * for a Parquet export in the hrcast layout. Counts and metadata come in as plain parameters, so
 * this knows nothing of the dataset file (src/data). */
#ifndef HRCAST_IO_PARQUET_CARD_H
#define HRCAST_IO_PARQUET_CARD_H
#include <stddef.h>
#include "util/err.h"

struct pq_card_split {
    const char *name;    /* "train", "validation", "test" */
    const char *path;    /* relative to the card: "data/train.parquet" */
    long long n_series;  /* rows */
    long long n_steps;   /* total time steps */
    long long n_bytes;   /* file size, 0 when unknown */
    long long n_athletes;
};

struct pq_card_count {
    const char *reason; /* a cleaning rule's name, e.g. "too_short" */
    long long count;
};

struct pq_card {
    const char *pretty_name;   /* default "hrcast heart-rate series" */
    const char *license;       /* Hub licence id; NULL leaves a placeholder for the user */
    const char *source_desc;   /* where the series came from ("import of ...") */
    const char *split_desc;    /* how the splits were made ("athlete-disjoint 70/15/15, seed 1") */
    const char *contents;      /* what the rows are, counted from them ("workouts: running 40, cycling 3");
                                * NULL: "workouts" */
    int running;               /* some rows are runs: the YAML tags say "running" */
    float step_s;              /* grid step */
    const struct pq_card_split *splits;
    int n_splits;
    const char *const *rules;  /* cleaning rules in words, one line each */
    int n_rules;
    const struct pq_card_count *rejects; /* counts per rule */
    int n_rejects;
    const char *hrcast_version;
};

/* Render the card into a malloc'ed NUL-terminated string. */
int parquet_card_render(const struct pq_card *c, char **out, size_t *len, struct hr_err *e);
/* Render and write atomically to path. */
int parquet_card_write(const char *path, const struct pq_card *c, struct hr_err *e);

#endif
