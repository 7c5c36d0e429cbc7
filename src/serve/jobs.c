/* jobs.c — the prediction worker pool with its bounded queue and per-job deadline (see jobs.h). */
#include "serve/jobs.h"
#include "serve/live.h"
#include "serve/tick.h"
#include "util/progress.h"
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct worker {
    struct job_pool *pool;
    struct predictor *pred;
    struct job *running;
    pthread_t th;
};

struct job_pool {
    pthread_mutex_t mu;
    pthread_cond_t work;  /* a job queued, or stopping */
    pthread_cond_t tick;  /* wakes the deadline thread early when stopping */
    struct job **queue;   /* ring */
    int cap, head, count;
    struct worker *workers;
    int nworkers;
    double deadline_s;
    struct hr_limits limits;
    job_notify_fn notify;
    void *ctx;
    int stopping;
    pthread_t deadline_th;
    int deadline_started;
};

static void job_free(struct job *j)
{
    free(j->body);
    predict_result_free(&j->res);
    sbuf_free(&j->err);
    free(j);
}

/* Drops one reference; the caller holds p->mu. Returns the job when it must be freed (outside the lock). */
static struct job *unref_locked(struct job *j) { return --j->refs == 0 ? j : NULL; }

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct job_pool *p = w->pool;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->count && !p->stopping)
            pthread_cond_wait(&p->work, &p->mu);
        if (!p->count)
            break; /* stopping, nothing left */
        struct job *j = p->queue[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        if (j->state == JOB_EXPIRED) { /* answered already */
            struct job *dead = unref_locked(j);
            pthread_mutex_unlock(&p->mu);
            if (dead)
                job_free(dead);
            pthread_mutex_lock(&p->mu);
            continue;
        }
        j->state = JOB_RUNNING;
        w->running = j;
        pthread_mutex_unlock(&p->mu);

        struct predict_result res;
        struct sbuf err;
        sbuf_init(&err);
        int status = serve_predict_run_workout(w->pred, (const uint8_t *)(j->body ? j->body : ""), j->n,
                                               j->content_type, &p->limits, j->workout, &res, &err);
        if (status == 200 && j->calibrate_s > 0) {
            /* ?calibrate=S: the default trust for this workout's runner, as `hrcast predict --calibrate`
             * (personal when the model knows the athlete the file names, or is finetuned to them) */
            const struct calib_trust trust =
                calib_default_trust(predictor_knows_runner(w->pred, res.s.meta.athlete));
            if ((status = serve_predict_calibrate(&res, j->calibrate_s, &trust, &err)) != 200)
                predict_result_free(&res);
        }
        free(j->body);
        j->body = NULL;

        pthread_mutex_lock(&p->mu);
        w->running = NULL;
        int notify = 0;
        if (j->state == JOB_RUNNING) {
            j->status = status;
            j->res = res;
            j->err = err;
            j->state = JOB_DONE;
            notify = 1;
        } else { /* expired while running: nobody wants the result */
            if (status == 200)
                predict_result_free(&res);
            sbuf_free(&err);
        }
        struct job *dead = unref_locked(j);
        void *owner = j->owner;
        pthread_mutex_unlock(&p->mu);
        if (notify)
            p->notify(p->ctx, owner);
        if (dead)
            job_free(dead);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Marks j expired and tells its owner; caller holds p->mu and j is queued or running. */
static void expire_locked(struct job_pool *p, struct job *j)
{
    j->state = JOB_EXPIRED;
    p->notify(p->ctx, j->owner);
}

static void *deadline_main(void *arg)
{
    struct job_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stopping) {
        serve_tick_wait(&p->tick, &p->mu, 100);
        double now = hr_now_seconds();
        for (int k = 0; k < p->count; k++) {
            struct job *j = p->queue[(p->head + k) % p->cap];
            if (j->state == JOB_QUEUED && now > j->deadline)
                expire_locked(p, j);
        }
        for (int k = 0; k < p->nworkers; k++) {
            struct job *j = p->workers[k].running;
            if (j && j->state == JOB_RUNNING && now > j->deadline)
                expire_locked(p, j);
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

int job_pool_start(struct predictor *preds, int npreds, int queue_cap, double deadline_s,
                   const struct hr_limits *limits, job_notify_fn notify, void *ctx, struct job_pool **out,
                   struct hr_err *e)
{
    struct job_pool *p = calloc(1, sizeof *p);
    if (!p)
        return hr_fail(e, "serve: out of memory");
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->tick, NULL);
    p->cap = queue_cap < 1 ? 1 : queue_cap;
    p->queue = calloc((size_t)p->cap, sizeof *p->queue);
    p->workers = calloc((size_t)npreds, sizeof *p->workers);
    p->deadline_s = deadline_s;
    p->limits = *limits;
    p->notify = notify;
    p->ctx = ctx;
    if (!p->queue || !p->workers) {
        job_pool_free(p);
        return hr_fail(e, "serve: out of memory");
    }
    for (int k = 0; k < npreds; k++) {
        p->workers[k].pool = p;
        p->workers[k].pred = &preds[k];
        if (pthread_create(&p->workers[k].th, NULL, worker_main, &p->workers[k])) {
            job_pool_free(p);
            return hr_fail(e, "serve: cannot start worker threads");
        }
        p->nworkers++;
    }
    if (pthread_create(&p->deadline_th, NULL, deadline_main, p)) {
        job_pool_free(p);
        return hr_fail(e, "serve: cannot start the deadline thread");
    }
    p->deadline_started = 1;
    *out = p;
    return 0;
}

struct job *job_submit(struct job_pool *p, char *body, size_t n, const char *content_type, void *owner)
{
    return job_submit_opts(p, body, n, content_type, owner, NULL);
}

struct job *job_submit_opts(struct job_pool *p, char *body, size_t n, const char *content_type, void *owner,
                            const struct job_opts *o)
{
    struct job *j = calloc(1, sizeof *j);
    if (!j) {
        free(body);
        return NULL;
    }
    j->body = body;
    j->n = n;
    snprintf(j->content_type, sizeof j->content_type, "%s", content_type ? content_type : "");
    j->owner = owner;
    j->calibrate_s = o ? o->calibrate_s : 0;
    j->workout = o ? o->workout : 0;
    j->deadline = hr_now_seconds() + p->deadline_s;
    j->refs = 2; /* the caller and the pool */
    sbuf_init(&j->err);
    pthread_mutex_lock(&p->mu);
    if (p->count == p->cap || p->stopping) {
        pthread_mutex_unlock(&p->mu);
        job_free(j);
        return NULL;
    }
    p->queue[(p->head + p->count) % p->cap] = j;
    p->count++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    return j;
}

enum job_state job_state(struct job_pool *p, struct job *j)
{
    pthread_mutex_lock(&p->mu);
    enum job_state s = j->state;
    pthread_mutex_unlock(&p->mu);
    return s;
}

void job_release(struct job_pool *p, struct job *j)
{
    pthread_mutex_lock(&p->mu);
    struct job *dead = unref_locked(j);
    pthread_mutex_unlock(&p->mu);
    if (dead)
        job_free(dead);
}

double job_pool_deadline(const struct job_pool *p) { return p->deadline_s; }

void job_pool_stop(struct job_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    for (int k = 0; k < p->count; k++) {
        struct job *j = p->queue[(p->head + k) % p->cap];
        if (j->state == JOB_QUEUED)
            expire_locked(p, j);
    }
    pthread_cond_broadcast(&p->work);
    pthread_cond_broadcast(&p->tick);
    pthread_mutex_unlock(&p->mu);
    for (int k = 0; k < p->nworkers; k++)
        pthread_join(p->workers[k].th, NULL);
    p->nworkers = 0;
    if (p->deadline_started)
        pthread_join(p->deadline_th, NULL);
    p->deadline_started = 0;
}

void job_pool_free(struct job_pool *p)
{
    if (!p)
        return;
    job_pool_stop(p);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->tick);
    free(p->queue);
    free(p->workers);
    free(p);
}
