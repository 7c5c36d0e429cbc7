/* dist.h — data-parallel training across processes: rank/size, the per-rank share of a batch, and
 * the reductions the trainer needs. Built with -DHRCAST_MPI (build/hrcast-mpi, see the Makefile)
 * these use MPI; otherwise they are single-process no-ops (rank 0 of 1), so the plain build has no
 * MPI dependency. Only the trainer and `hrcast train` call them. */
#ifndef HRCAST_TRAIN_DIST_H
#define HRCAST_TRAIN_DIST_H
#include <stddef.h>

/* How many processes a launcher (mpirun: Open MPI, MPICH/Hydra, PMIx) started this one among: 1 when none. */
int dist_launched_ranks(void);
/* 1 in hrcast-mpi (compiled with HRCAST_MPI), 0 in hrcast. */
int dist_built_with_mpi(void);
/* Start (MPI_Init when launched by mpirun; harmless single-process otherwise). Call once. */
int dist_init(int *argc, char ***argv);
void dist_finalize(void);
/* Stop every rank after a failure on one (MPI_Abort when size > 1; no-op otherwise). */
void dist_abort(int code);
int dist_rank(void);
int dist_size(void);
/* This rank's contiguous share [*lo, *hi) of n items: the first n % size ranks get one more. */
void dist_share(int n, int *lo, int *hi);
/* In-place sums over all ranks. */
int dist_sum_f32(float *v, size_t n);
int dist_sum_f64(double *v, size_t n);
/* After each rank's backward over its share of a batch: grad (n floats) is the mean over this
 * rank's *n_valid steps and *loss their mean loss. Turns both into the means over the whole batch
 * (every rank's steps), and *n_valid into the batch's count. Single process: unchanged. */
int dist_merge_step(float *grad, size_t n, double *loss, size_t *n_valid);
/* Rank 0's value of *v on every rank. */
int dist_bcast_int(int *v);
/* Communication counters of this rank: bytes passed to reductions and seconds spent in them. */
void dist_comm_stats(double *bytes, double *seconds, long *calls);

#endif
