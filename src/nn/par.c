/* par.c — nn_par_rows: the rows are cut into fixed blocks of NN_PAR_MIN_ROWS (the kernel's 6-row
 * tile; the last block takes the remainder), and up to nn_get_threads() threads take blocks from a
 * shared counter until none is left. Taking blocks dynamically keeps both cores busy when one of them
 * is slowed by other work (a static half each would wait for the slower half). The blocks do not
 * depend on the thread count, and neither does any row's result. One pthread per extra thread is
 * created and joined per call (a sweep runs for milliseconds; create + join costs ~40 us here). If
 * a thread cannot be created, the others (at least the caller) take its blocks: same results. */
#include "nn/par.h"
#include <pthread.h>
#include <stdatomic.h>
#include "nn/kernels.h"

#define MAX_THREADS 64

struct pool {
    void (*fn)(void *, int, int, int);
    void *arg;
    int B, nblocks;
    atomic_int next;
};

struct worker {
    struct pool *q;
    int w;
};

static void *worker(void *p)
{
    struct pool *q = ((struct worker *)p)->q;
    int w = ((struct worker *)p)->w;
    for (;;) {
        int i = atomic_fetch_add(&q->next, 1);
        if (i >= q->nblocks)
            return NULL;
        int r0 = i * NN_PAR_MIN_ROWS, r1 = i + 1 == q->nblocks ? q->B : r0 + NN_PAR_MIN_ROWS;
        q->fn(q->arg, w, r0, r1);
    }
}

static int override_threads; /* set by tests before any sweep runs */

void nn_par_override(int n) { override_threads = n > 0 ? n : 0; }

int nn_par_threads(int B)
{
    int nt = override_threads ? override_threads : nn_get_threads(), most = B / NN_PAR_MIN_ROWS;
    nt = nt > most ? most : nt;
    nt = nt > MAX_THREADS ? MAX_THREADS : nt;
    return nt < 1 ? 1 : nt;
}

void nn_par_rows(int B, void (*fn)(void *arg, int w, int r0, int r1), void *arg)
{
    int nt = nn_par_threads(B);
    if (nt == 1) {
        fn(arg, 0, 0, B);
        return;
    }
    struct pool q = {fn, arg, B, B / NN_PAR_MIN_ROWS, 0};
    pthread_t tid[MAX_THREADS];
    struct worker ws[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    for (int i = 0; i < nt; i++)
        ws[i] = (struct worker){&q, i};
    for (int i = 1; i < nt; i++)
        started[i] = pthread_create(&tid[i], NULL, worker, &ws[i]) == 0;
    worker(&ws[0]);
    for (int i = 1; i < nt; i++)
        if (started[i])
            pthread_join(tid[i], NULL);
}
