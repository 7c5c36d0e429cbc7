/* jobs.h — the prediction worker pool of `hrcast serve`: predictions run here, off the HTTP library's
 * threads, so that /healthz and the static pages are answered however busy the predictors are.
 * A bounded queue (full -> the caller answers 503 at once), one worker thread per predictor, and a
 * deadline per job: a job not finished by then is marked expired and its connection resumed (the
 * caller answers 503); a worker already running it finishes and throws the result away. */
#ifndef HRCAST_SERVE_JOBS_H
#define HRCAST_SERVE_JOBS_H
#include <stddef.h>
#include "io/limits.h"
#include "model/predictor.h"
#include "serve/predict.h"
#include "serve/sbuf.h"
#include "util/err.h"

enum job_state { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_EXPIRED };

struct job {
    /* input, owned by the job */
    char *body;
    size_t n;
    char content_type[256];
    void *owner; /* handed to the pool's notify callback (the connection) */
    float calibrate_s; /* > 0: the result is calibrated on its first calibrate_s of HR (serve/live.h) */
    int workout;       /* > 0: the file's workout-th workout (?workout=N); 0 = the longest run */
    double deadline;
    /* output, readable once job_state() is JOB_DONE */
    int status;
    struct predict_result res; /* status 200; the reader may move it out */
    struct sbuf err;           /* other statuses: {"error": ...} */
    /* pool-private */
    enum job_state state;
    int refs;
};

struct job_pool;
/* Called once per job from a pool thread, when it is done or has expired: resume the owner. */
typedef void (*job_notify_fn)(void *ctx, void *owner);

/* Starts npreds workers (preds must outlive the pool), a queue of queue_cap jobs, jobs expiring after
 * deadline_s seconds; limits: the reader limits of every upload (copied). */
int job_pool_start(struct predictor *preds, int npreds, int queue_cap, double deadline_s,
                   const struct hr_limits *limits, job_notify_fn notify, void *ctx, struct job_pool **out,
                   struct hr_err *e);
/* Queues a prediction of body (ownership taken, freed by the pool in every case).
 * Returns the job (the caller holds one reference), or NULL when the queue is full or stopping. */
struct job *job_submit(struct job_pool *p, char *body, size_t n, const char *content_type, void *owner);
/* What a request asks beyond its body; zero-initialise and set what you need. */
struct job_opts {
    float calibrate_s; /* POST /api/predict?calibrate=S; 0 = none */
    int workout;       /* POST /api/predict?workout=N (1-based); 0 = the longest running workout */
};
/* job_submit with options (o may be NULL). */
struct job *job_submit_opts(struct job_pool *p, char *body, size_t n, const char *content_type, void *owner,
                            const struct job_opts *o);
enum job_state job_state(struct job_pool *p, struct job *j);
/* Drops the caller's reference. */
void job_release(struct job_pool *p, struct job *j);
double job_pool_deadline(const struct job_pool *p);
/* Expires the queued jobs, waits for the running ones and stops the threads; the jobs still held by
 * their callers stay valid (job_state, job_release) until job_pool_free. */
void job_pool_stop(struct job_pool *p);
/* Stops (if not yet) and frees the pool; every job must have been released. */
void job_pool_free(struct job_pool *p);

#endif
