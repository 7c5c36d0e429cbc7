/* server.h — the hrcast HTTP server (libmicrohttpd): routes, limits, request log, predictor pool.
 *   GET  /                 the embedded web page (and its /app.js, /style.css, /vendor/...)
 *   POST /api/predict      workout upload (multipart, raw file, or JSON) -> predicted HR JSON
 *   GET  /api/model        the model's metadata JSON
 *   GET  /api/samples      the built-in sample workouts
 *   GET  /healthz          {"status":"ok"}
 * Limits (docs/security.md): body over max_upload -> 413; bad input -> 400 {"error": reason};
 * unknown path -> 404; wrong method -> 405; two Content-Length headers -> 400; predictions queue for
 * a pool of worker threads (queue full or deadline passed -> 503 with Retry-After); uploads buffered
 * per client address are capped (-> 503); slow headers and slow uploads are dropped; connections
 * capped in all and per client address; answers streamed; nothing written to disk. */
#ifndef HRCAST_SERVE_SERVER_H
#define HRCAST_SERVE_SERVER_H
#include <stddef.h>
#include "model/predictor.h"
#include "util/err.h"

struct serve_opts {
    const char *host;   /* numeric IPv4 or IPv6 address; default "127.0.0.1" */
    int port;           /* 0: any free port (see serve_port) */
    size_t max_upload;  /* bytes of request body accepted */
    int threads;        /* prediction worker threads (one predictor each) */
    int max_conns;      /* concurrent connections */
    int timeout_s;      /* idle connection timeout */
    size_t max_inflate; /* an upload's budgets (io/limits.h); 0: hr_limits_for_upload(max_upload)'s */
    size_t max_samples;
    size_t max_footer;
    int queue;          /* predictions waiting for a worker; more -> 503 */
    double deadline_s;  /* a prediction not answered within this -> 503 */
    double recv_timeout_s; /* request headers must arrive within this; window of min_rate */
    size_t min_rate;    /* bytes/s an upload must keep up (over each recv_timeout_s window) */
    int max_per_client; /* concurrent connections per client address */
};
void serve_opts_default(struct serve_opts *o);

struct serve;
/* Start serving in background threads. preds: npreds loaded predictors (the same model), one per
 * worker thread; they must outlive the server. */
int serve_start(const struct serve_opts *o, struct predictor *preds, int npreds, struct serve **out,
                struct hr_err *e);
int serve_port(const struct serve *s);
/* Stop accepting, finish requests in flight, free everything. */
void serve_stop(struct serve *s);

#endif
