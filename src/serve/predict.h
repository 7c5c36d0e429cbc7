/* predict.h — the body of POST /api/predict, independent of HTTP: request bytes (multipart upload,
 * raw file of any importable format, or our JSON) -> workout -> grid series -> predictor -> a result
 * that serve/result_json.h writes out piece by piece. Used by the server and directly by the unit tests. */
#ifndef HRCAST_SERVE_PREDICT_H
#define HRCAST_SERVE_PREDICT_H
#include <stddef.h>
#include <stdint.h>
#include "io/reader.h"
#include "model/predictor.h"
#include "prep/series.h"
#include "serve/sbuf.h"

/* Decompressed bytes allowed for one gzip upload when the caller gives no limits: 2 x the default
 * 20 MiB upload limit (hrcast serve sets it from --max-inflate). */
#define SERVE_DEFAULT_MAX_INFLATE ((size_t)40 << 20)

/* A finished prediction: the grid series and the predicted HR, owned here. */
struct predict_result {
    struct series s;
    float *buf;                      /* one block holding hr, sigma, actual */
    float *hr, *sigma, *actual;      /* sigma NULL when the model has none; actual NaN where not recorded */
    const char *model_kind, *format; /* static strings */
    char name[128];                  /* the upload's display name */
};

/* The reader limits of one upload: the defaults, with gzip inflating at most max_inflate bytes. */
void serve_read_opts(struct read_opts *ro, size_t max_inflate);

/* Runs one prediction. Returns the HTTP status: 200 with res filled (free it with
 * predict_result_free), else 400 (unusable input) or 500 (internal) with {"error": reason} in err_out.
 * limits: the reader limits (NULL: serve_read_opts(SERVE_DEFAULT_MAX_INFLATE)). Never writes to disk. */
int serve_predict_run(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                      const struct read_opts *limits, struct predict_result *res, struct sbuf *err_out);
void predict_result_free(struct predict_result *r);

/* serve_predict_run + the whole response JSON into out (tests, small results). */
int serve_predict(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                  struct sbuf *out);
/* {"error": msg} */
void serve_error_json(struct sbuf *out, const char *msg);

#endif
