/* export_index.h — the activity index of a Strava bulk export (activities.csv at the export's root): for
 * each workout file ("activities/123.fit.gz") the activity's type and name, so that the file's sport and
 * title come from what the runner set on Strava, and rides or swims can be skipped before parsing.
 * The CSV is RFC 4180 (quoted fields may hold commas and newlines); columns are found by their header
 * names ("Activity Type", "Activity Name", "Filename"), the first of a repeated name wins. */
#ifndef HRCAST_IO_EXPORT_INDEX_H
#define HRCAST_IO_EXPORT_INDEX_H
#include <stddef.h>
#include <stdint.h>
#include "io/workout.h"
#include "util/err.h"

#define EXPORT_INDEX_NAME "activities.csv"
#define EXPORT_TITLE_LEN 128

struct export_entry {
    char *file;                   /* as in the Filename column: "activities/123.fit.gz" */
    char sport[WK_SPORT_LEN];     /* hrcast's name of the activity type: "running", "cycling", ... */
    char title[EXPORT_TITLE_LEN]; /* the activity's name */
};

struct export_index {
    struct export_entry *e; /* sorted by file */
    size_t n;
};

/* 1 when buf starts like Strava's activities.csv (a header with "Activity ID" and "Filename"). */
int export_index_looks_like(const uint8_t *buf, size_t n);
/* Parse activities.csv; rows without a Filename (manual activities) are left out. 0, or -1 with e. */
int export_index_parse(const uint8_t *buf, size_t n, const char *name, struct export_index *ix,
                       struct hr_err *e);
/* The entry of a file given by its path relative to the export's root, or NULL. */
const struct export_entry *export_index_find(const struct export_index *ix, const char *relpath);
void export_index_free(struct export_index *ix);
/* Give a workout read from the entry's file the entry's sport and title (source untouched). */
void export_entry_apply(const struct export_entry *en, struct workout *w);
/* Strava's activity type ("Run", "Trail Run", "Ride", "Swim", ...) as hrcast's sport name. */
void export_sport_name(const char *type, char *out, size_t cap);

#endif
