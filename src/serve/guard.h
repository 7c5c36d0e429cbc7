/* guard.h — keeps slow and greedy clients from starving `hrcast serve`: tracks every connection
 * (its client address, which phase it is in, when that began, how many body bytes came lately) and
 * a watchdog thread that drops (shutdown()) a connection whose request headers are not all in after
 * recv_timeout seconds (slowloris), or whose upload sent fewer than min_rate bytes/s over the last
 * recv_timeout seconds (stalled or trickled uploads). It also keeps the request bytes buffered per
 * client address, so that one client's uploads cannot fill the server's upload budget for everyone.
 * The HTTP library's idle timeout only closes connections that send nothing; this closes slow ones. */
#ifndef HRCAST_SERVE_GUARD_H
#define HRCAST_SERVE_GUARD_H
#include <stddef.h>
#include <sys/socket.h>
#include "util/err.h"

struct guard_opts {
    double recv_timeout;     /* seconds to receive a request's headers; window of the upload rate */
    size_t min_rate;         /* bytes/s an upload must keep up over each window */
    size_t per_client_bytes; /* request bodies buffered at once per client address */
};

enum conn_phase {
    CONN_HEADERS, /* waiting for (the rest of) a request's headers: bounded by recv_timeout */
    CONN_BODY,    /* receiving a body: bounded by min_rate */
    CONN_SERVING  /* predicting or sending the answer: not checked here */
};

struct guard;
struct conn_track;

int guard_start(const struct guard_opts *o, struct guard **out, struct hr_err *e);
void guard_stop(struct guard *g);
/* A new connection (fd, client address sa may be NULL). NULL when out of memory: not tracked. */
struct conn_track *guard_open(struct guard *g, int fd, const struct sockaddr *sa);
/* The connection is gone: logs why when the guard dropped it, frees t. */
void guard_close(struct guard *g, struct conn_track *t);
void guard_phase(struct guard *g, struct conn_track *t, enum conn_phase phase);
/* n body bytes arrived on t (counted towards its rate). */
void guard_received(struct guard *g, struct conn_track *t, size_t n);
/* Counts n more buffered bytes against t's client: 0, or -1 (nothing counted) over per_client_bytes. */
int guard_client_take(struct guard *g, struct conn_track *t, size_t n);
void guard_client_give(struct guard *g, struct conn_track *t, size_t n);
/* The client address as text ("?" when unknown); valid while t is. */
const char *guard_addr(const struct conn_track *t);

#endif
