/* server.h — the hrcast HTTP server (libmicrohttpd): routes, limits, request log, predictor pool.
 *   GET  /                 the embedded web page (and its /app.js, /style.css, /vendor/...)
 *   POST /api/predict      workout upload (multipart, raw file, or JSON) -> predicted HR JSON
 *   GET  /api/model        the model's metadata JSON
 *   GET  /api/samples      the built-in sample workouts
 *   GET  /healthz          {"status":"ok"}
 * Limits: body over max_upload -> 413; bad input -> 400 {"error": reason}; unknown path -> 404;
 * wrong method -> 405; connection timeout; cap on connections; nothing written to disk. */
#ifndef HRCAST_SERVE_SERVER_H
#define HRCAST_SERVE_SERVER_H
#include <stddef.h>
#include "model/predictor.h"
#include "util/err.h"

struct serve_opts {
    const char *host;   /* numeric IPv4 or IPv6 address; default "127.0.0.1" */
    int port;           /* 0: any free port (see serve_port) */
    size_t max_upload;  /* bytes of request body accepted */
    int threads;        /* worker threads (thread pool size) */
    int max_conns;      /* concurrent connections */
    int timeout_s;      /* idle connection timeout */
};
void serve_opts_default(struct serve_opts *o);

struct serve;
/* Start serving in background threads. preds: npreds loaded predictors (the same model), one per
 * worker thread at most in use at a time; they must outlive the server. */
int serve_start(const struct serve_opts *o, struct predictor *preds, int npreds, struct serve **out,
                struct hr_err *e);
int serve_port(const struct serve *s);
/* Stop accepting, finish requests in flight, free everything. */
void serve_stop(struct serve *s);

#endif
