/* fuzz_dataset.c — libFuzzer target for the dataset (.hrd) reader (dataset_open): any bytes must give
 * 0 or -1 with a message, never a crash or a read outside the file; every series of an accepted file
 * is touched whole. The input is handed over as a file (memfd), the way dataset_open reads it.
 * Seeds: tests/test_dataset.c (seed_save "fuzz_dataset"). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "data/dataset.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_log_set_level(HR_LOG_QUIET);
    int fd = memfd_create("fuzz.hrd", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    struct dataset ds;
    struct hr_err e;
    if (dataset_open(path, &ds, &e) == 0) {
        volatile float sum = 0;
        for (int i = 0; i < ds.n; i++) {
            struct series s;
            dataset_series(&ds, i, &s);
            for (int c = 0; c < CH_COUNT; c++)
                for (int k = 0; k < s.n; k++)
                    sum += s.ch[c][k];
        }
        dataset_close(&ds);
    } else if (!strstr(e.msg, "/proc/self/fd/")) {
        __builtin_trap(); /* every error names the file */
    }
    close(fd);
    return 0;
}
