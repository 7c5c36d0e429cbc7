/* guard.c — connection tracking, the slow-client watchdog and per-client upload budgets (see guard.h). */
#include "serve/guard.h"
#include "util/log.h"
#include "serve/tick.h"
#include "util/progress.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct client {
    char addr[INET6_ADDRSTRLEN];
    size_t bytes; /* request bodies buffered */
    int conns;
    struct client *next;
};

struct conn_track {
    int fd;
    struct client *client;
    enum conn_phase phase;
    double phase_start, window_start;
    size_t window_bytes;
    const char *dropped; /* why the watchdog closed it */
    double drop_after;   /* seconds into the phase */
    struct conn_track *prev, *next;
};

struct guard {
    struct guard_opts o;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int stopping;
    pthread_t th;
    struct conn_track *conns;
    struct client *clients;
};

static void drop_locked(struct conn_track *t, const char *why, double after)
{
    t->dropped = why;
    t->drop_after = after;
    shutdown(t->fd, SHUT_RDWR); /* the HTTP library sees end of stream and closes the connection */
}

static void check_locked(struct guard *g, double now)
{
    for (struct conn_track *t = g->conns; t; t = t->next) {
        if (t->dropped)
            continue;
        if (t->phase == CONN_HEADERS && now - t->phase_start > g->o.recv_timeout) {
            drop_locked(t, "request headers not complete", now - t->phase_start);
        } else if (t->phase == CONN_BODY && now - t->window_start >= g->o.recv_timeout) {
            if ((double)t->window_bytes < (double)g->o.min_rate * (now - t->window_start))
                drop_locked(t, "upload below the minimum rate", now - t->phase_start);
            t->window_start = now;
            t->window_bytes = 0;
        }
    }
}

static void *watchdog_main(void *arg)
{
    struct guard *g = arg;
    pthread_mutex_lock(&g->mu);
    while (!g->stopping) {
        serve_tick_wait(&g->wake, &g->mu, 100);
        check_locked(g, hr_now_seconds());
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

int guard_start(const struct guard_opts *o, struct guard **out, struct hr_err *e)
{
    struct guard *g = calloc(1, sizeof *g);
    if (!g)
        return hr_fail(e, "serve: out of memory");
    g->o = *o;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->wake, NULL);
    if (pthread_create(&g->th, NULL, watchdog_main, g)) {
        pthread_mutex_destroy(&g->mu);
        pthread_cond_destroy(&g->wake);
        free(g);
        return hr_fail(e, "serve: cannot start the connection watchdog");
    }
    *out = g;
    return 0;
}

void guard_stop(struct guard *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->mu);
    g->stopping = 1;
    pthread_cond_signal(&g->wake);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->th, NULL);
    /* connections still tracked were closed by the HTTP library's stop */
    while (g->conns) {
        struct conn_track *t = g->conns;
        g->conns = t->next;
        free(t);
    }
    while (g->clients) {
        struct client *c = g->clients;
        g->clients = c->next;
        free(c);
    }
    pthread_mutex_destroy(&g->mu);
    pthread_cond_destroy(&g->wake);
    free(g);
}

static void addr_text(const struct sockaddr *sa, char *out, size_t cap)
{
    snprintf(out, cap, "?");
    if (!sa)
        return;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)cap);
}

struct conn_track *guard_open(struct guard *g, int fd, const struct sockaddr *sa)
{
    struct conn_track *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    char addr[INET6_ADDRSTRLEN];
    addr_text(sa, addr, sizeof addr);
    t->fd = fd;
    t->phase = CONN_HEADERS;
    t->phase_start = t->window_start = hr_now_seconds();
    pthread_mutex_lock(&g->mu);
    struct client *c = g->clients;
    while (c && strcmp(c->addr, addr))
        c = c->next;
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c) {
            pthread_mutex_unlock(&g->mu);
            free(t);
            return NULL;
        }
        snprintf(c->addr, sizeof c->addr, "%s", addr);
        c->next = g->clients;
        g->clients = c;
    }
    c->conns++;
    t->client = c;
    t->next = g->conns;
    if (g->conns)
        g->conns->prev = t;
    g->conns = t;
    pthread_mutex_unlock(&g->mu);
    return t;
}

void guard_close(struct guard *g, struct conn_track *t)
{
    if (!t)
        return;
    char addr[INET6_ADDRSTRLEN];
    pthread_mutex_lock(&g->mu);
    snprintf(addr, sizeof addr, "%s", t->client->addr);
    if (t->prev)
        t->prev->next = t->next;
    else
        g->conns = t->next;
    if (t->next)
        t->next->prev = t->prev;
    struct client *c = t->client;
    if (--c->conns == 0) {
        struct client **pp = &g->clients;
        while (*pp != c)
            pp = &(*pp)->next;
        *pp = c->next;
    } else {
        c = NULL;
    }
    pthread_mutex_unlock(&g->mu);
    if (t->dropped)
        hr_warn("%s: connection dropped after %.1f s: %s (--recv-timeout %g s, --min-rate %zu bytes/s)",
                addr, t->drop_after, t->dropped, g->o.recv_timeout, g->o.min_rate);
    free(c);
    free(t);
}

void guard_phase(struct guard *g, struct conn_track *t, enum conn_phase phase)
{
    if (!t)
        return;
    pthread_mutex_lock(&g->mu);
    t->phase = phase;
    t->phase_start = t->window_start = hr_now_seconds();
    t->window_bytes = 0;
    pthread_mutex_unlock(&g->mu);
}

void guard_received(struct guard *g, struct conn_track *t, size_t n)
{
    if (!t)
        return;
    pthread_mutex_lock(&g->mu);
    t->window_bytes += n;
    pthread_mutex_unlock(&g->mu);
}

int guard_client_take(struct guard *g, struct conn_track *t, size_t n)
{
    if (!t)
        return 0;
    pthread_mutex_lock(&g->mu);
    int over = t->client->bytes + n > g->o.per_client_bytes;
    if (!over)
        t->client->bytes += n;
    pthread_mutex_unlock(&g->mu);
    return over ? -1 : 0;
}

void guard_client_give(struct guard *g, struct conn_track *t, size_t n)
{
    if (!t)
        return;
    pthread_mutex_lock(&g->mu);
    t->client->bytes -= n < t->client->bytes ? n : t->client->bytes;
    pthread_mutex_unlock(&g->mu);
}

const char *guard_addr(const struct conn_track *t) { return t ? t->client->addr : "?"; }
