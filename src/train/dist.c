/* dist.c — see dist.h: the MPI implementation behind HRCAST_MPI, the single-process one otherwise. */
#include "train/dist.h"
#include "util/log.h"
#include <stdlib.h>
#ifdef HRCAST_MPI
#include <mpi.h>
#endif

static int g_rank = 0, g_size = 1;
static double g_bytes, g_secs;
static long g_calls;

int dist_rank(void) { return g_rank; }
int dist_size(void) { return g_size; }

void dist_share(int n, int *lo, int *hi)
{
    int q = n / g_size, r = n % g_size;
    *lo = g_rank * q + (g_rank < r ? g_rank : r);
    *hi = *lo + q + (g_rank < r);
}

void dist_comm_stats(double *bytes, double *seconds, long *calls)
{
    *bytes = g_bytes;
    *seconds = g_secs;
    *calls = g_calls;
}

int dist_merge_step(float *grad, size_t n, double *loss, size_t *n_valid)
{
    if (g_size == 1)
        return 0;
    double cnt[2] = {*loss * (double)*n_valid, (double)*n_valid};
    float w = (float)*n_valid;
    for (size_t i = 0; i < n; i++)
        grad[i] *= w; /* back to a sum over this rank's steps */
    if (dist_sum_f64(cnt, 2) || dist_sum_f32(grad, n))
        return -1;
    *n_valid = (size_t)cnt[1];
    *loss = cnt[1] > 0 ? cnt[0] / cnt[1] : 0.0;
    float inv = cnt[1] > 0 ? (float)(1.0 / cnt[1]) : 0.0f;
    for (size_t i = 0; i < n; i++)
        grad[i] *= inv;
    return 0;
}

#ifdef HRCAST_MPI
static int g_started;

int dist_init(int *argc, char ***argv)
{
    int provided;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return -1;
    g_started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    if (g_rank != 0 && hr_log_get_level() > HR_LOG_WARN)
        hr_log_set_level(HR_LOG_WARN); /* rank 0 speaks for all */
    return 0;
}

void dist_finalize(void)
{
    if (g_started)
        MPI_Finalize();
    g_started = 0;
}

void dist_abort(int code)
{
    if (g_started && g_size > 1)
        MPI_Abort(MPI_COMM_WORLD, code);
}

static int reduce(void *v, size_t n, MPI_Datatype t, size_t elem)
{
    if (g_size == 1)
        return 0;
    double t0 = MPI_Wtime();
    int rc = 0;
    for (size_t off = 0; off < n && !rc;) { /* counts are int */
        size_t k = n - off > (1u << 30) ? (1u << 30) : n - off;
        rc = MPI_Allreduce(MPI_IN_PLACE, (char *)v + off * elem, (int)k, t, MPI_SUM, MPI_COMM_WORLD) != MPI_SUCCESS;
        off += k;
    }
    g_secs += MPI_Wtime() - t0;
    g_bytes += (double)n * elem;
    g_calls++;
    return rc ? -1 : 0;
}

int dist_sum_f32(float *v, size_t n) { return reduce(v, n, MPI_FLOAT, sizeof *v); }
int dist_sum_f64(double *v, size_t n) { return reduce(v, n, MPI_DOUBLE, sizeof *v); }

int dist_bcast_int(int *v)
{
    if (g_size == 1)
        return 0;
    return MPI_Bcast(v, 1, MPI_INT, 0, MPI_COMM_WORLD) == MPI_SUCCESS ? 0 : -1;
}
int dist_built_with_mpi(void) { return 1; }
#else
int dist_built_with_mpi(void) { return 0; }
int dist_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}
void dist_finalize(void) {}
void dist_abort(int code) { (void)code; }
int dist_sum_f32(float *v, size_t n)
{
    (void)v;
    (void)n;
    return 0;
}
int dist_sum_f64(double *v, size_t n)
{
    (void)v;
    (void)n;
    return 0;
}
int dist_bcast_int(int *v)
{
    (void)v;
    return 0;
}
#endif

int dist_launched_ranks(void)
{
    static const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++) {
        const char *v = getenv(vars[i]);
        long n = v ? strtol(v, NULL, 10) : 0;
        if (n > 1 && n < 1000000)
            return (int)n;
    }
    return 1;
}
