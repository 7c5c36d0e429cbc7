/* tick.h — the periodic wake-up of the server's background checkers (the pool's deadline thread and
 * the connection guard's watchdog): wait on cv for at most ms milliseconds (mu held). */
#ifndef HRCAST_SERVE_TICK_H
#define HRCAST_SERVE_TICK_H
#include <pthread.h>
#include <time.h>

static inline void serve_tick_wait(pthread_cond_t *cv, pthread_mutex_t *mu, long ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(cv, mu, &ts);
}

#endif
