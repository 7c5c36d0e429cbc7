/* mpi_allreduce.c — the communication cost of one data-parallel training step in isolation: the
 * gradient MPI_Allreduce (N floats, in place, sum; N = 205,953 for the 2x128 LSTM with 14 inputs)
 * plus the 2-double reduction of the loss and valid-step count, after a barrier so that waiting for
 * a slower rank is not counted. Prints bytes and the median microseconds per step.
 * Usage: mpirun -np 2 build/mpi_allreduce [N] [iters] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int n = argc > 1 ? atoi(argv[1]) : 205953, iters = argc > 2 ? atoi(argv[2]) : 200;
    float *g = malloc(sizeof(float) * (size_t)n);
    double *us = malloc(sizeof(double) * (size_t)iters), two[2];
    for (int i = 0; i < n; i++)
        g[i] = (float)(i % 97) * 1e-3f;
    for (int it = -10; it < iters; it++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        two[0] = 1.0;
        two[1] = 2.0;
        MPI_Allreduce(MPI_IN_PLACE, two, 2, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
        MPI_Allreduce(MPI_IN_PLACE, g, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        if (it >= 0)
            us[it] = (MPI_Wtime() - t0) * 1e6;
    }
    qsort(us, (size_t)iters, sizeof *us, cmp);
    if (rank == 0)
        printf("allreduce ranks=%d floats=%d bytes_per_step=%zu median_us=%.0f p10_us=%.0f p90_us=%.0f\n", size, n,
               sizeof(float) * (size_t)n + 16, us[iters / 2], us[iters / 10], us[iters * 9 / 10]);
    free(g);
    free(us);
    MPI_Finalize();
    return 0;
}
