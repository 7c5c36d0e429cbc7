/* server.c — libmicrohttpd glue of `hrcast serve`: routing, body limits, handing predictions to the
 * worker pool (serve/jobs.h) and streaming their answers, connection tracking for the slow-client guard
 * (serve/guard.h), and the one-line-per-request log (see server.h). Request bodies stay in memory;
 * nothing touches disk. */
#include "serve/server.h"
#include "serve/assets.h"
#include "serve/guard.h"
#include "serve/jobs.h"
#include "serve/live.h"
#include "serve/predict.h"
#include "serve/result_json.h"
#include "serve/samples.h"
#include "serve/sbuf.h"
#include "util/log.h"
#include "util/progress.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#if MHD_VERSION < 0x00097002
typedef int MHD_Result;
#else
typedef enum MHD_Result MHD_Result;
#endif

struct serve {
    struct MHD_Daemon *d;
    struct serve_opts o;
    int port;
    struct predictor *preds; /* preds[0] answers /api/model; all of them predict in the pool */
    struct job_pool *pool;
    struct guard *guard;
    /* prebuilt bodies */
    char *samples_json;
    size_t samples_len;
    atomic_size_t inflight_bytes; /* request bodies buffered right now */
    size_t inflight_cap;
};

struct req {
    struct sbuf body;
    size_t received; /* body bytes received, buffered or not (for the log) */
    struct conn_track *track;
    struct job *job;  /* the prediction handed to the pool; the connection is suspended meanwhile */
    float calibrate_s; /* ?calibrate= of /api/predict, seconds; 0 = none */
    int workout;       /* ?workout=N of /api/predict (1-based); 0 = the longest running workout */
    int too_big;      /* body over max_upload: answer 413 */
    int overloaded;   /* all body buffers together over the cap: answer 503 */
    int client_full;  /* this client's body buffers over its share: answer 503 */
    const char *bad_framing; /* two Content-Length headers, or one with Transfer-Encoding: answer 400 */
    int answered;
    int status;
    size_t resp_len; /* streamed answers add to it as they go */
    size_t counted; /* bytes added to inflight_bytes and to the client's share */
    size_t discarded; /* body bytes read and dropped */
    double t0;
    char method[16]; /* for the log line, control bytes and spaces replaced */
    char url[120];
};

void serve_opts_default(struct serve_opts *o)
{
    o->host = "127.0.0.1";
    o->port = 8080;
    o->max_upload = (size_t)20 << 20;
    o->threads = 4;
    o->max_conns = 512;
    o->timeout_s = 15;
    o->max_inflate = o->max_samples = o->max_footer = 0;
    o->queue = 16;
    o->deadline_s = 30;
    o->recv_timeout_s = 10;
    o->min_rate = 8192;
    o->max_per_client = 32;
}

/* ---- responses ---- */
static void add_headers(struct MHD_Response *resp, int status, const char *mime, const char *allow)
{
    MHD_add_response_header(resp, "Content-Type", mime);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:");
    if (allow)
        MHD_add_response_header(resp, "Allow", allow);
    if (status == 503)
        MHD_add_response_header(resp, "Retry-After", "1");
}

static MHD_Result queue(struct MHD_Connection *c, struct req *r, int status, struct MHD_Response *resp,
                        size_t len)
{
    /* a refused request may have a body we did not read: close rather than parse it as a request */
    if (status == 413 || status == 503 || r->bad_framing)
        MHD_add_response_header(resp, "Connection", "close");
    MHD_Result ok = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    r->answered = 1;
    r->status = status;
    r->resp_len = len;
    return ok;
}

static MHD_Result reply(struct MHD_Connection *c, struct req *r, int status, const char *mime, void *data,
                       size_t len, enum MHD_ResponseMemoryMode mode, const char *allow)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, mode);
    if (!resp) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free(data);
        return MHD_NO;
    }
    add_headers(resp, status, mime, allow);
    return queue(c, r, status, resp, len);
}

/* ---- a prediction's answer, streamed a piece at a time ---- */
struct stream {
    struct predict_result res;
    struct result_writer w;
    size_t *sent; /* the request's resp_len */
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct stream *st = cls;
    size_t n = result_writer_read(&st->w, buf, max);
    if (n == 0)
        return st->w.pending.oom ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
    *st->sent += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct stream *st = cls;
    result_writer_free(&st->w);
    predict_result_free(&st->res);
    free(st);
}

/* Moves the job's result into a streamed 200 answer. */
static MHD_Result send_result(struct MHD_Connection *c, struct req *r, struct job *j)
{
    struct stream *st = calloc(1, sizeof *st);
    if (!st)
        return MHD_NO;
    st->res = j->res;
    memset(&j->res, 0, sizeof j->res);
    st->sent = &r->resp_len;
    result_writer_init(&st->w, &st->res);
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 32 * 1024, stream_read, st,
                                                                  stream_free);
    if (!resp) {
        stream_free(st);
        return MHD_NO;
    }
    add_headers(resp, 200, "application/json", NULL);
    MHD_Result ok = queue(c, r, 200, resp, 0);
    return ok;
}

static MHD_Result send_sbuf(struct MHD_Connection *c, struct req *r, int status, struct sbuf *b)
{
    size_t len;
    char *p = sbuf_take(b, &len);
    if (!p)
        return MHD_NO;
    return reply(c, r, status, "application/json", p, len, MHD_RESPMEM_MUST_FREE, NULL);
}

static MHD_Result send_error(struct MHD_Connection *c, struct req *r, int status, const char *msg,
                             const char *allow)
{
    struct sbuf b;
    sbuf_init(&b);
    serve_error_json(&b, msg);
    size_t len;
    char *p = sbuf_take(&b, &len);
    if (!p)
        return MHD_NO;
    return reply(c, r, status, "application/json", p, len, MHD_RESPMEM_MUST_FREE, allow);
}

static const struct serve_asset *find_asset(const char *url)
{
    if (!strcmp(url, "/"))
        url = "/index.html";
    for (const struct serve_asset *a = serve_assets; a->path; a++)
        if (!strcmp(a->path, url))
            return a;
    return NULL;
}

/* ---- routing ---- */
/* POST /api/predict with its whole body: hand it to the pool and suspend the connection until the
 * pool resumes it (done or expired); on_request then calls answer_job. */
static MHD_Result start_predict(struct serve *s, struct MHD_Connection *c, struct req *r)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    size_t len;
    char *body = sbuf_take(&r->body, &len);
    if (!body)
        return send_error(c, r, 503, "server busy: out of memory for the upload, retry shortly", NULL);
    struct job_opts jo = {.calibrate_s = r->calibrate_s, .workout = r->workout};
    r->job = job_submit_opts(s->pool, body, len, ct, c, &jo);
    if (!r->job)
        return send_error(c, r, 503, "server busy: every predictor is taken and the queue is full, retry shortly",
                          NULL);
    MHD_suspend_connection(c);
    return MHD_YES;
}

static MHD_Result answer_job(struct serve *s, struct MHD_Connection *c, struct req *r)
{
    struct job *j = r->job;
    enum job_state st = job_state(s->pool, j);
    if (st == JOB_QUEUED || st == JOB_RUNNING) { /* not ours to answer yet */
        MHD_suspend_connection(c);
        return MHD_YES;
    }
    if (st == JOB_EXPIRED) {
        char msg[128];
        snprintf(msg, sizeof msg, "server busy: the prediction did not finish within %g s, retry shortly",
                 job_pool_deadline(s->pool));
        return send_error(c, r, 503, msg, NULL);
    }
    if (j->status == 200)
        return send_result(c, r, j);
    return send_sbuf(c, r, j->status, &j->err);
}

static MHD_Result route(struct serve *s, struct MHD_Connection *c, struct req *r, const char *url,
                        const char *method)
{
    int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    int post = !strcmp(method, "POST");
    if (r->bad_framing)
        return send_error(c, r, 400, r->bad_framing, NULL);
    if (!strcmp(url, "/api/predict")) {
        if (!post)
            return send_error(c, r, 405, "use POST for /api/predict", "POST");
        if (r->too_big) {
            char msg[96];
            snprintf(msg, sizeof msg, "upload larger than the limit of %zu bytes", s->o.max_upload);
            return send_error(c, r, 413, msg, NULL);
        }
        if (r->client_full)
            return send_error(c, r, 503, "server busy: too many of your uploads in flight, retry shortly", NULL);
        if (r->overloaded)
            return send_error(c, r, 503, "server busy: too many uploads in flight, retry shortly", NULL);
        const char *cal = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "calibrate");
        if (cal) { /* ?calibrate=S: the calibrated view (serve/live.h) */
            char why[160];
            if (serve_calib_param(cal, &r->calibrate_s, why, sizeof why))
                return send_error(c, r, 400, why, NULL);
        }
        const char *wk = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "workout");
        if (wk) { /* ?workout=N: which workout of a file of several (1-based) */
            char *end;
            long v = strtol(wk, &end, 10);
            if (end == wk || *end || v < 1 || v > 100000) {
                char why[160];
                snprintf(why, sizeof why, "workout: '%.40s' is not a workout number (1, 2, ...)", wk);
                return send_error(c, r, 400, why, NULL);
            }
            r->workout = (int)v;
        }
        return start_predict(s, c, r);
    }
    if (!strcmp(url, "/api/model") || !strcmp(url, "/api/samples") || !strcmp(url, "/healthz")) {
        if (!get)
            return send_error(c, r, 405, "use GET", "GET, HEAD");
        if (!strcmp(url, "/healthz"))
            return reply(c, r, 200, "application/json", (void *)"{\"status\":\"ok\"}\n", 16, MHD_RESPMEM_PERSISTENT,
                        NULL);
        if (!strcmp(url, "/api/samples"))
            return reply(c, r, 200, "application/json", s->samples_json, s->samples_len, MHD_RESPMEM_PERSISTENT,
                        NULL);
        const char *m = s->preds[0].metadata_json ? s->preds[0].metadata_json : "{}";
        return reply(c, r, 200, "application/json", (void *)m, strlen(m), MHD_RESPMEM_PERSISTENT, NULL);
    }
    const struct serve_asset *a = find_asset(url);
    if (a) {
        if (!get)
            return send_error(c, r, 405, "use GET", "GET, HEAD");
        return reply(c, r, 200, a->mime, (void *)a->data, a->len, MHD_RESPMEM_PERSISTENT, NULL);
    }
    return send_error(c, r, 404, "no such page", NULL);
}

/* For the log: at most cap-1 bytes of in, control bytes, spaces and non-ASCII replaced by '?'. */
static void log_safe(const char *in, char *out, size_t cap)
{
    size_t k = 0;
    for (; in[k] && k + 1 < cap; k++)
        out[k] = ((unsigned char)in[k] < 0x21 || (unsigned char)in[k] >= 0x7f) ? '?' : in[k];
    out[k] = '\0';
}

/* The headers that frame a request's body (RFC 9112, 6.3). */
struct framing {
    int lengths;   /* Content-Length headers */
    int encodings; /* Transfer-Encoding headers */
};

static MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    (void)value;
    struct framing *f = cls;
    if (key && !strcasecmp(key, "Content-Length"))
        f->lengths++;
    else if (key && !strcasecmp(key, "Transfer-Encoding"))
        f->encodings++;
    return MHD_YES;
}

/* Why the body's framing is refused, or NULL. Where a proxy in front and this server could each pick a
 * different framing (two Content-Length headers, even equal ones; Content-Length with Transfer-Encoding,
 * which RFC 9112 6.1 lets a server reject), a request could be smuggled past the proxy: 400, and the
 * connection is closed (see queue). */
static const char *framing_error(struct MHD_Connection *c)
{
    struct framing f = {0, 0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
    if (f.lengths > 1)
        return "conflicting Content-Length headers";
    if (f.lengths && f.encodings)
        return "conflicting Content-Length and Transfer-Encoding headers: send one of them";
    return NULL;
}

/* A request refused while its body comes in (over the upload limit or a budget) gives back at once what
 * it counted against the server's and its client's budgets, and its buffer: a doomed upload must not
 * keep the others out. The rest of its body is read and discarded. */
static void drop_body(struct serve *s, struct req *r)
{
    atomic_fetch_sub(&s->inflight_bytes, r->counted);
    guard_client_give(s->guard, r->track, r->counted);
    r->counted = 0;
    sbuf_free(&r->body);
}

static struct conn_track *track_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                             const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    struct serve *s = cls;
    struct req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        sbuf_init(&r->body);
        r->t0 = hr_now_seconds();
        r->track = track_of(c);
        log_safe(method, r->method, sizeof r->method);
        log_safe(url, r->url, sizeof r->url);
        *con_cls = r;
        guard_phase(s->guard, r->track, CONN_BODY);
        r->bad_framing = framing_error(c);
        if (r->bad_framing)
            return route(s, c, r, url, method); /* 400 before reading the body */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > s->o.max_upload)
            r->too_big = 1;
        if (r->too_big && !strcmp(url, "/api/predict") && !strcmp(method, "POST"))
            return route(s, c, r, url, method); /* 413 before reading the body */
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        guard_received(s->guard, r->track, n);
        r->received += n;
        if (r->answered || r->too_big || r->overloaded || r->client_full || strcmp(url, "/api/predict") != 0) {
            /* Discard (libmicrohttpd cannot answer in the middle of an upload); the answer (413, 503,
             * 405) goes out when the body ends. A body that never ends is cut off. */
            r->discarded += n;
            return r->discarded > s->o.max_upload + ((size_t)64 << 20) ? MHD_NO : MHD_YES;
        }
        if (r->body.n + n > s->o.max_upload) {
            r->too_big = 1;
        } else if (guard_client_take(s->guard, r->track, n)) {
            r->client_full = 1;
        } else if (atomic_fetch_add(&s->inflight_bytes, n) + n > s->inflight_cap) {
            atomic_fetch_sub(&s->inflight_bytes, n);
            guard_client_give(s->guard, r->track, n);
            r->overloaded = 1;
        } else {
            r->counted += n;
            sbuf_put(&r->body, upload_data, n);
            if (r->body.oom)
                r->overloaded = 1;
        }
        if (r->too_big || r->client_full || r->overloaded) {
            drop_body(s, r);
            r->discarded += n;
        }
        return MHD_YES;
    }
    if (r->answered)
        return MHD_YES;
    guard_phase(s->guard, r->track, CONN_SERVING);
    if (r->job)
        return answer_job(s, c, r);
    return route(s, c, r, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode tc)
{
    struct serve *s = cls;
    struct req *r = *con_cls;
    if (!r)
        return;
    hr_info("%s %s %s %d %zu %zu %.1fms%s", guard_addr(r->track), r->method, r->url, r->status,
            r->received, r->resp_len, (hr_now_seconds() - r->t0) * 1e3,
            tc == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    atomic_fetch_sub(&s->inflight_bytes, r->counted);
    guard_client_give(s->guard, r->track, r->counted);
    guard_phase(s->guard, track_of(c), CONN_HEADERS); /* a kept-alive connection waits for its next request */
    if (r->job)
        job_release(s->pool, r->job);
    sbuf_free(&r->body);
    free(r);
    *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct serve *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ad = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        *socket_context = fd ? guard_open(s->guard, fd->connect_fd, ad ? ad->client_addr : NULL) : NULL;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        guard_close(s->guard, *socket_context);
        *socket_context = NULL;
    }
}

/* The pool's job is done or expired: let libmicrohttpd call on_request again for this connection. */
static void resume_connection(void *ctx, void *owner)
{
    (void)ctx;
    MHD_resume_connection(owner);
}

/* MHD's own errors (bind failures, ...) go through our logger. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t k = strlen(msg);
    while (k && (msg[k - 1] == '\n' || msg[k - 1] == '\r'))
        msg[--k] = '\0';
    hr_warn("httpd: %s", msg);
}

static int parse_address(struct serve *s, struct sockaddr_storage *ss, unsigned *flags, struct hr_err *e)
{
    memset(ss, 0, sizeof *ss);
    if (strchr(s->o.host, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)s->o.port);
        if (inet_pton(AF_INET6, s->o.host, &a6->sin6_addr) != 1)
            return hr_fail(e, "serve: bad IPv6 address '%s'", s->o.host);
        *flags |= MHD_USE_IPv6;
        return 0;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)s->o.port);
    if (inet_pton(AF_INET, s->o.host, &a4->sin_addr) != 1)
        return hr_fail(e, "serve: bad address '%s' (give a numeric IPv4 or IPv6 address)", s->o.host);
    return 0;
}

int serve_start(const struct serve_opts *o, struct predictor *preds, int npreds, struct serve **out,
                struct hr_err *e)
{
    if (npreds < 1)
        return hr_fail(e, "serve: no predictor");
    struct serve *s = calloc(1, sizeof *s);
    if (!s)
        return hr_fail(e, "serve: out of memory");
    s->o = *o;
    if (!s->o.host)
        s->o.host = "127.0.0.1";
    if (s->o.max_conns < 1)
        s->o.max_conns = 1;
    if (s->o.timeout_s < 1)
        s->o.timeout_s = 1;
    s->preds = preds;
    /* all bodies buffered at once: 8 full uploads or 64 MiB, whichever is larger; one client address
     * gets 2 full uploads of it */
    s->inflight_cap = s->o.max_upload * 8 > ((size_t)64 << 20) ? s->o.max_upload * 8 : (size_t)64 << 20;
    atomic_init(&s->inflight_bytes, 0);
    struct sample *smp = NULL;
    int ns = samples_build(&smp);
    struct sbuf b;
    sbuf_init(&b);
    if (ns > 0)
        samples_json(smp, ns, &b);
    samples_free(smp, ns > 0 ? ns : 0);
    s->samples_json = sbuf_take(&b, &s->samples_len);
    if (!s->samples_json) {
        serve_stop(s);
        return hr_fail(e, "serve: out of memory");
    }
    struct hr_limits limits;
    hr_limits_for_upload(&limits, s->o.max_upload);
    if (s->o.max_inflate)
        limits.max_inflate = s->o.max_inflate;
    if (s->o.max_samples)
        limits.max_samples = s->o.max_samples;
    if (s->o.max_footer)
        limits.max_footer = s->o.max_footer;
    struct guard_opts go = {s->o.recv_timeout_s, s->o.min_rate, s->o.max_upload * 2};
    if (guard_start(&go, &s->guard, e) ||
        job_pool_start(preds, npreds, s->o.queue, s->o.deadline_s, &limits, resume_connection, s, &s->pool, e)) {
        serve_stop(s);
        return -1;
    }

    struct sockaddr_storage ss;
    unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (parse_address(s, &ss, &flags, e)) {
        serve_stop(s);
        return -1;
    }
    /* Two threads only move bytes (epoll where the system has it); predictions run in the pool. */
    s->d = MHD_start_daemon(flags, (uint16_t)s->o.port, NULL, NULL, on_request, s,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_THREAD_POOL_SIZE, 2u,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->o.max_conns,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)s->o.max_per_client,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->o.timeout_s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_END);
    if (!s->d) {
        int port = s->o.port;
        serve_stop(s);
        return hr_fail(e, "serve: cannot listen on %s port %d (in use, or not a local address?)", o->host, port);
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : s->o.port;
    *out = s;
    return 0;
}

int serve_port(const struct serve *s) { return s->port; }

void serve_stop(struct serve *s)
{
    if (!s)
        return;
    if (s->d)
        MHD_quiesce_daemon(s->d);
    job_pool_stop(s->pool); /* answers what is queued, finishes what runs, resumes their connections */
    if (s->d)
        MHD_stop_daemon(s->d); /* answers the resumed connections, releasing their jobs */
    job_pool_free(s->pool);
    guard_stop(s->guard);
    free(s->samples_json);
    free(s);
}
