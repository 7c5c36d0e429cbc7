/* fitrec_parse_bench.c — runs fitrec_read_stream over a file (read(2) chunks, no gzip) with a counting
 * sink and prints "bytes workouts samples hr_samples wall_s MB/s_wall cpu_s MB/s_cpu". Used by bench/import.sh.
 * Build: see bench/import.sh (links build/libhrcast.a with the Makefile's libraries). */
#include "io/reader.h"
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

struct counts {
    long long workouts, samples, hr;
};

static int count_sink(void *ctx, struct workout *w)
{
    struct counts *c = ctx;
    c->workouts++;
    c->samples += (long long)w->n;
    for (size_t i = 0; i < w->n; i++)
        c->hr += !isnan(w->hr[i]);
    return 0;
}

static long fd_read(void *src, uint8_t *buf, size_t cap)
{
    ssize_t r = read(*(int *)src, buf, cap);
    return r < 0 ? -1 : (long)r;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fitrec_parse_bench FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    off_t size = lseek(fd, 0, SEEK_END);
    lseek(fd, 0, SEEK_SET);
    struct counts c = {0, 0, 0};
    struct hr_err e;
    struct timespec t0, t1, c0, c1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
    int rc = fitrec_read_stream(fd_read, &fd, NULL, 0, argv[1], NULL, count_sink, &c, &e);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    close(fd);
    if (rc) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    double cpu = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
    printf("%lld %lld %lld %lld %.3f %.1f %.3f %.1f\n", (long long)size, c.workouts, c.samples, c.hr, s,
           (double)size / 1048576.0 / s, cpu, (double)size / 1048576.0 / cpu);
    return 0;
}
