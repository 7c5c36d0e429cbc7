/* predict.h — the body of POST /api/predict, independent of HTTP: request bytes (multipart upload,
 * raw file of any importable format, or our JSON) -> workout -> grid series -> predictor -> the
 * response JSON. Used by the server and directly by the unit tests. */
#ifndef HRCAST_SERVE_PREDICT_H
#define HRCAST_SERVE_PREDICT_H
#include <stddef.h>
#include <stdint.h>
#include "model/predictor.h"
#include "serve/sbuf.h"

/* Fills out with the response body and returns the HTTP status: 200 with the result JSON, 400 with
 * {"error": "reason"} for unusable input, 500 {"error": ...} for internal failures.
 * content_type may be NULL. Never writes to disk. */
int serve_predict(const struct predictor *p, const uint8_t *body, size_t n, const char *content_type,
                  struct sbuf *out);
/* {"error": msg} */
void serve_error_json(struct sbuf *out, const char *msg);

#endif
