/* isa.c — the choice of kernel path (see isa.h): cpuid through __builtin_cpu_supports, the
 * HRCAST_ISA override, and the test switch. The active path is one int read by every kernel call. */
#include "nn/isa.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int isa_active = -1; /* benign race: every thread computes the same value */
static const char *const isa_names[NN_ISA_COUNT] = {"portable", "avx2", "avx512"};

const char *nn_isa_name(enum nn_isa isa)
{
    return (unsigned)isa < NN_ISA_COUNT ? isa_names[isa] : "?";
}

static int isa_cpu_limit = NN_ISA_AVX512;

void nn_isa_limit_cpu(enum nn_isa max)
{
    isa_cpu_limit = (int)max;
    nn_isa_reset();
}

int nn_isa_cpu_has(enum nn_isa isa)
{
    if ((int)isa > isa_cpu_limit)
        return 0;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    switch (isa) {
    case NN_ISA_PORTABLE: return 1;
    case NN_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case NN_ISA_AVX512:
        return nn_isa_cpu_has(NN_ISA_AVX2) && __builtin_cpu_supports("avx512f") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512dq");
    }
    return 0;
#else
    return isa == NN_ISA_PORTABLE;
#endif
}

static int isa_from_name(const char *s)
{
    for (int i = 0; i < NN_ISA_COUNT; i++)
        if (!strcmp(s, isa_names[i]))
            return i;
    return -1;
}

static enum nn_isa isa_default(void)
{
    const char *env = getenv("HRCAST_ISA");
    int want = env && *env ? isa_from_name(env) : -1;
    if (want >= 0 && nn_isa_cpu_has((enum nn_isa)want))
        return (enum nn_isa)want;
    const char *old = getenv("HRCAST_NN_PORTABLE");
    if (old && *old == '1')
        return NN_ISA_PORTABLE;
    for (int i = NN_ISA_COUNT - 1; i > 0; i--)
        if (nn_isa_cpu_has((enum nn_isa)i))
            return (enum nn_isa)i;
    return NN_ISA_PORTABLE;
}


enum nn_isa nn_isa_active(void)
{
    if (isa_active < 0)
        isa_active = (int)isa_default();
    return (enum nn_isa)isa_active;
}

int nn_isa_set(enum nn_isa isa)
{
    if ((unsigned)isa >= NN_ISA_COUNT || !nn_isa_cpu_has(isa))
        return -1;
    isa_active = (int)isa;
    return 0;
}

void nn_isa_reset(void) { isa_active = -1; }

static int cpu_bf16 = -1; /* cpuid's AVX512_BF16 bit, read once (benign race, as isa_active) */

int nn_isa_bf16(void)
{
    if (cpu_bf16 < 0) {
#if defined(__x86_64__) && defined(__GNUC__)
        __builtin_cpu_init();
        cpu_bf16 = __builtin_cpu_supports("avx512bf16") ? 1 : 0;
#else
        cpu_bf16 = 0;
#endif
    }
    return cpu_bf16 && nn_isa_active() == NN_ISA_AVX512;
}

int nn_isa_check_env(char *err, size_t errlen)
{
    const char *env = getenv("HRCAST_ISA");
    if (!env || !*env)
        return 0;
    int want = isa_from_name(env);
    if (want < 0) {
        snprintf(err, errlen, "HRCAST_ISA=%s: unknown kernel path (use avx512, avx2 or portable)", env);
        return -1;
    }
    if (!nn_isa_cpu_has((enum nn_isa)want)) {
        snprintf(err, errlen, "HRCAST_ISA=%s: this CPU lacks %s (it has: %s%s%s); unset HRCAST_ISA or pick one it has",
                 env, want == NN_ISA_AVX512 ? "AVX-512 F/BW/VL/DQ" : "AVX2+FMA",
                 nn_isa_cpu_has(NN_ISA_AVX512) ? "avx512, " : "", nn_isa_cpu_has(NN_ISA_AVX2) ? "avx2, " : "",
                 "portable");
        return -1;
    }
    return 0;
}
