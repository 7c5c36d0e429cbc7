/* reqjson.h — the JSON request body of POST /api/predict, parsed into a struct workout:
 *   {"speed": [m/s ...], "altitude": [m ...], "heart_rate": [bpm|null ...], "time": [s ...],
 *    "step": 10, "gender": "m"}
 * speed is required; time defaults to i*step (step defaults to 10 s); other keys are ignored, so a
 * result JSON downloaded from the page can be uploaded again. A small strict parser (depth-limited). */
#ifndef HRCAST_SERVE_REQJSON_H
#define HRCAST_SERVE_REQJSON_H
#include <stddef.h>
#include <stdint.h>
#include "io/workout.h"
#include "util/err.h"

#define REQJSON_MAX_SAMPLES 2000000 /* when w->max_n is 0 */

/* True when buf is a JSON object with a top-level "step" or "time" key next to "speed" (a cheap
 * textual check used to tell our own format from seed JSON, which has neither). */
int reqjson_looks_like_api(const uint8_t *buf, size_t n);
/* Parse; w must be initialised (workout_init); arrays longer than w->max_n (the sample budget) are
 * refused before they grow past it. Returns 0, or -1 with e = "name: offset: reason". */
int reqjson_parse(const uint8_t *buf, size_t n, const char *name, struct workout *w, struct hr_err *e);

#endif
