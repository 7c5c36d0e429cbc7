/* fuzz_fitrec.c — libFuzzer target for the FitRec reader: any bytes must give 0 or -1, never a crash,
 * leak or undefined behaviour; and the streaming reader (fed in odd-sized chunks chosen by the first
 * byte) must deliver the same workouts as the whole-buffer reader. Seeds: tests/test_fitrec.c. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "fuzz_limits.h"
#include "io/reader.h"
#include "util/log.h"

struct tally {
    size_t workouts, samples;
    double sum;
};

static int sink(void *ctx, struct workout *w)
{
    struct tally *t = ctx;
    t->workouts++;
    t->samples += w->n;
    for (size_t i = 0; i < w->n; i++)
        t->sum += w->time[i] + (w->hr[i] == w->hr[i] ? w->hr[i] : 0);
    return 0;
}

struct src {
    const uint8_t *p;
    size_t n, pos, chunk;
};

static long src_read(void *s, uint8_t *buf, size_t cap)
{
    struct src *m = s;
    size_t k = m->n - m->pos;
    if (k > m->chunk)
        k = m->chunk;
    if (k > cap)
        k = cap;
    memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (long)k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hr_log_set_level(HR_LOG_QUIET);
    struct read_opts o;
    fuzz_read_opts(&o);
    struct hr_err e;
    struct tally a = {0, 0, 0}, b = {0, 0, 0};
    int ra = fitrec_read(data, size, "fuzz", &o, sink, &a, &e);
    size_t pre = size ? data[0] % 5 : 0;
    if (pre > size)
        pre = size;
    struct src s = {data + pre, size - pre, 0, size ? 1 + data[0] % 13 : 1};
    int rb = fitrec_read_stream(src_read, &s, data, pre, "fuzz", &o, sink, &b, &e);
    if (ra != rb || a.workouts != b.workouts || a.samples != b.samples ||
        (a.sum != b.sum && !(a.sum != a.sum && b.sum != b.sum)))
        __builtin_trap();
    return 0;
}
