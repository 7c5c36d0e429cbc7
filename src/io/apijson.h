/* apijson.h — hrcast's own JSON workout format: the body of POST /api/predict and the result JSON that
 * the page downloads, parsed into a struct workout:
 *   {"speed": [m/s ...], "altitude": [m ...], "heart_rate": [bpm|null ...], "time": [s ...],
 *    "step": 10, "gender": "m"}
 * speed is required; time defaults to i*step (step defaults to 10 s); other keys are ignored, so a
 * result JSON downloaded from the page can be uploaded again. A small strict parser (depth-limited).
 * It lives in io/ so that the server and the CLI readers (io_read_path, format "api-json") read such a
 * file the same way, compressed or not. */
#ifndef HRCAST_IO_APIJSON_H
#define HRCAST_IO_APIJSON_H
#include <stddef.h>
#include <stdint.h>
#include "io/workout.h"
#include "util/err.h"

#define APIJSON_MAX_SAMPLES 2000000 /* when w->max_n is 0 */
/* Speeds above it are refused (prep's speed_max, prep_opts_default, would make them NaN and fill 0: a run
 * standing still); until 2026-12-07 up to 15 m/s was taken. */
#define APIJSON_SPEED_MAX 12.0

/* True when buf is a JSON object with a top-level "speed" key and a top-level "step" or "time" key, and
 * no top-level "step_s" (hrcast's jsonl export, read by the FitRec reader): what tells our own format (m/s)
 * from seed JSON (km/h, neither key) and FitRec lines. Looks at the first APIJSON_LOOK bytes. */
#define APIJSON_LOOK ((size_t)1 << 20)
int apijson_looks_like(const uint8_t *buf, size_t n);
/* 1 when the JSON object in buf has the top-level key (within the first APIJSON_LOOK bytes). */
int apijson_has_key(const uint8_t *buf, size_t n, const char *key);
/* Parse; w must be initialised (workout_init); arrays longer than w->max_n (the sample budget) are
 * refused before they grow past it. Returns 0, or -1 with e = "name: offset: reason". */
int apijson_parse(const uint8_t *buf, size_t n, const char *name, struct workout *w, struct hr_err *e);

/* The io/ reader (reader.h): one workout, sample budget o->lim.max_samples, handed to sink. */
struct read_opts;
int apijson_read(const uint8_t *buf, size_t n, const char *name, const struct read_opts *o, workout_sink sink,
                 void *ctx, struct hr_err *e);

#endif
