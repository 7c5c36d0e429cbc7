/* server.c — libmicrohttpd glue of `hrcast serve`: routing, body limits, the predictor pool and the
 * one-line-per-request log (see server.h). Request bodies stay in memory; nothing touches disk. */
#include "serve/server.h"
#include "serve/assets.h"
#include "serve/predict.h"
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
    /* predictor pool */
    struct predictor *preds;
    int npreds;
    int *free_list, nfree;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    /* prebuilt bodies */
    char *samples_json;
    size_t samples_len;
    atomic_size_t inflight_bytes; /* request bodies buffered right now */
    size_t inflight_cap;
};

struct req {
    struct sbuf body;
    int too_big;    /* body over max_upload: answer 413 */
    int overloaded; /* all body buffers together over the cap: answer 503 */
    int answered;
    int status;
    size_t resp_len;
    size_t counted; /* bytes added to inflight_bytes */
    size_t discarded; /* body bytes read and dropped */
    double t0;
    char method[12];
    char url[120]; /* for the log line, control bytes replaced */
};

void serve_opts_default(struct serve_opts *o)
{
    o->host = "127.0.0.1";
    o->port = 8080;
    o->max_upload = (size_t)20 << 20;
    o->threads = 4;
    o->max_conns = 128;
    o->timeout_s = 15;
}

/* ---- predictor pool ---- */
static int pool_get(struct serve *s)
{
    pthread_mutex_lock(&s->mu);
    while (s->nfree == 0)
        pthread_cond_wait(&s->cv, &s->mu);
    int k = s->free_list[--s->nfree];
    pthread_mutex_unlock(&s->mu);
    return k;
}

static void pool_put(struct serve *s, int k)
{
    pthread_mutex_lock(&s->mu);
    s->free_list[s->nfree++] = k;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* ---- responses ---- */
static MHD_Result reply(struct MHD_Connection *c, struct req *r, int status, const char *mime, void *data,
                       size_t len, enum MHD_ResponseMemoryMode mode, const char *allow)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, mode);
    if (!resp) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free(data);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", mime);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:");
    if (allow)
        MHD_add_response_header(resp, "Allow", allow);
    if (status == 413 || status == 503)
        MHD_add_response_header(resp, "Connection", "close");
    MHD_Result ok = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    r->answered = 1;
    r->status = status;
    r->resp_len = len;
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
static MHD_Result route(struct serve *s, struct MHD_Connection *c, struct req *r, const char *url,
                        const char *method)
{
    int get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
    int post = !strcmp(method, "POST");
    if (!strcmp(url, "/api/predict")) {
        if (!post)
            return send_error(c, r, 405, "use POST for /api/predict", "POST");
        if (r->too_big) {
            char msg[96];
            snprintf(msg, sizeof msg, "upload larger than the limit of %zu bytes", s->o.max_upload);
            return send_error(c, r, 413, msg, NULL);
        }
        if (r->overloaded)
            return send_error(c, r, 503, "server busy: too many uploads in flight, retry shortly", NULL);
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        int k = pool_get(s);
        struct sbuf out;
        sbuf_init(&out);
        int status = serve_predict(&s->preds[k], (const uint8_t *)(r->body.p ? r->body.p : ""), r->body.n, ct, &out);
        pool_put(s, k);
        return send_sbuf(c, r, status, &out);
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
        snprintf(r->method, sizeof r->method, "%s", method);
        snprintf(r->url, sizeof r->url, "%s", url);
        for (char *p = r->url; *p; p++)
            if ((unsigned char)*p < 0x21 || *p == 0x7f)
                *p = '?';
        *con_cls = r;
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
        if (r->answered || r->too_big || r->overloaded || strcmp(url, "/api/predict") != 0) {
            /* Discard (libmicrohttpd cannot answer in the middle of an upload); the answer (413, 503,
             * 405) goes out when the body ends. A body that never ends is cut off. */
            r->discarded += n;
            return r->discarded > s->o.max_upload + ((size_t)64 << 20) ? MHD_NO : MHD_YES;
        }
        if (r->body.n + n > s->o.max_upload) {
            r->too_big = 1;
        } else if (atomic_fetch_add(&s->inflight_bytes, n) + n > s->inflight_cap) {
            atomic_fetch_sub(&s->inflight_bytes, n);
            r->overloaded = 1;
        } else {
            r->counted += n;
            sbuf_put(&r->body, upload_data, n);
            if (r->body.oom)
                r->overloaded = 1;
        }
        return MHD_YES;
    }
    if (r->answered)
        return MHD_YES;
    return route(s, c, r, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode tc)
{
    struct serve *s = cls;
    struct req *r = *con_cls;
    if (!r)
        return;
    char addr[INET6_ADDRSTRLEN] = "?";
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr, sizeof addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, addr, sizeof addr);
    }
    hr_info("%s %s %s %d %zu %zu %.1fms%s", addr, r->method, r->url, r->status, r->body.n, r->resp_len,
            (hr_now_seconds() - r->t0) * 1e3, tc == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    atomic_fetch_sub(&s->inflight_bytes, r->counted);
    sbuf_free(&r->body);
    free(r);
    *con_cls = NULL;
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
    if (s->o.threads < 1)
        s->o.threads = 1;
    if (s->o.max_conns < 1)
        s->o.max_conns = 1;
    if (s->o.timeout_s < 1)
        s->o.timeout_s = 1;
    s->preds = preds;
    s->npreds = npreds;
    /* all bodies buffered at once: at most 4 full uploads or 64 MiB, whichever is larger */
    s->inflight_cap = s->o.max_upload * 4 > ((size_t)64 << 20) ? s->o.max_upload * 4 : (size_t)64 << 20;
    atomic_init(&s->inflight_bytes, 0);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->free_list = malloc((size_t)npreds * sizeof *s->free_list);
    struct sample *smp = NULL;
    int ns = samples_build(&smp);
    struct sbuf b;
    sbuf_init(&b);
    if (ns > 0)
        samples_json(smp, ns, &b);
    samples_free(smp, ns > 0 ? ns : 0);
    s->samples_json = sbuf_take(&b, &s->samples_len);
    if (!s->free_list || !s->samples_json) {
        serve_stop(s);
        return hr_fail(e, "serve: out of memory");
    }
    for (int k = 0; k < npreds; k++)
        s->free_list[s->nfree++] = k;

    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_ITC;
    if (strchr(s->o.host, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)s->o.port);
        if (inet_pton(AF_INET6, s->o.host, &a6->sin6_addr) != 1) {
            serve_stop(s);
            return hr_fail(e, "serve: bad IPv6 address '%s'", o->host);
        }
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)s->o.port);
        if (inet_pton(AF_INET, s->o.host, &a4->sin_addr) != 1) {
            serve_stop(s);
            return hr_fail(e, "serve: bad address '%s' (give a numeric IPv4 or IPv6 address)", o->host);
        }
    }
    s->d = MHD_start_daemon(flags, (uint16_t)s->o.port, NULL, NULL, on_request, s,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o.threads,
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->o.max_conns,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->o.timeout_s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
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
    if (s->d) {
        MHD_quiesce_daemon(s->d);
        MHD_stop_daemon(s->d);
    }
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s->free_list);
    free(s->samples_json);
    free(s);
}
