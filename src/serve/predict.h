/* predict.h — the body of POST /api/predict, independent of HTTP: request bytes (multipart upload,
 * raw file of any importable format, or our JSON) -> workout -> grid series -> predictor -> the
 * response JSON. Used by the server and directly by the unit tests. */
#ifndef HRCAST_SERVE_PREDICT_H
#define HRCAST_SERVE_PREDICT_H
#include <stddef.h>
#include <stdint.h>
#include "io/limits.h"
#include "model/predictor.h"
#include "serve/sbuf.h"

/* Fills out with the response body and returns the HTTP status: 200 with the result JSON, 400 with
 * {"error": "reason"} for unusable input, 413 {"error": ...} when the input exceeds one of the limits
 * in lim (inflated bytes, samples, Parquet pages or footer: the reason names the limit), 500
 * {"error": ...} for internal failures. Every budget in lim is checked before allocation, so a
 * refused request costs about lim->max_inflate bytes at most. content_type may be NULL. Never writes
 * to disk. The server passes the limits of its upload size: hr_limits_for_upload(&lim, max_upload). */
int serve_predict_limited(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                          const struct hr_limits *lim, struct sbuf *out);
/* serve_predict_limited with hr_limits_for_upload(SERVE_PREDICT_DEFAULT_UPLOAD). */
#define SERVE_PREDICT_DEFAULT_UPLOAD ((size_t)20 << 20)
int serve_predict(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                  struct sbuf *out);
/* {"error": msg} */
void serve_error_json(struct sbuf *out, const char *msg);

#endif
