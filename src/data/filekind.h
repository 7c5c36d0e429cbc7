/* filekind.h — what a path holds, from its first bytes: a folder, an hrcast dataset, an hrcast model
 * (safetensors), a workout recording (any format io_detect knows) or something else. Used to turn
 * "bad magic" errors into "this is a dataset, not a model" when arguments are swapped or a folder
 * is given where a dataset belongs. */
#ifndef HRCAST_DATA_FILEKIND_H
#define HRCAST_DATA_FILEKIND_H
#include "io/reader.h"

enum file_kind {
    FILE_KIND_MISSING = 0, /* cannot stat or open */
    FILE_KIND_FOLDER,
    FILE_KIND_DATASET,   /* HRCDSET magic */
    FILE_KIND_MODEL,     /* safetensors: u64 header length then '{' */
    FILE_KIND_RECORDING, /* FIT, TCX, GPX, CSV, FitRec, seed JSON, Parquet (gzip or not) */
    FILE_KIND_OTHER,
};

/* The kind of path; for FILE_KIND_RECORDING, *fmt (when non-NULL) gets the format. */
enum file_kind file_kind_of(const char *path, enum hr_format *fmt);
/* "a folder", "an hrcast dataset", "a model", "a FIT recording", ... (static text). */
const char *file_kind_phrase(enum file_kind k, enum hr_format fmt, char *buf, size_t cap);

#endif
