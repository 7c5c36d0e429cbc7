/* isa.h — which instruction-set path the engine's kernels take (isa.c): AVX-512 (F, BW, VL, DQ),
 * AVX2+FMA or portable C, chosen once from the CPU (cpuid) and the HRCAST_ISA environment variable,
 * and switchable by tests so every path the CPU has can be compared with the others. */
#ifndef HRCAST_NN_ISA_H
#define HRCAST_NN_ISA_H
#include <stddef.h>

enum nn_isa { NN_ISA_PORTABLE = 0, NN_ISA_AVX2 = 1, NN_ISA_AVX512 = 2 };
#define NN_ISA_COUNT 3

/* 1 when this CPU (and this build) can run the path; portable always can. */
int nn_isa_cpu_has(enum nn_isa isa);

/* The path the kernels take now: HRCAST_ISA=avx512|avx2|portable when set and the CPU has it (else,
 * and when unset, the best the CPU has; HRCAST_NN_PORTABLE=1 is the old spelling of portable). */
enum nn_isa nn_isa_active(void);

/* "avx512", "avx2", "portable" */
const char *nn_isa_name(enum nn_isa isa);

/* Tests and benches: use this path (it must be one nn_isa_cpu_has says yes to: returns -1 and
 * changes nothing otherwise); nn_isa_reset() returns to the environment's / CPU's choice. */
int nn_isa_set(enum nn_isa isa);
void nn_isa_reset(void);

/* Tests: behave as if the CPU had no path above max (nn_isa_cpu_has, the default choice and
 * nn_isa_check_env all follow); NN_ISA_AVX512 lifts the limit. Resets the active path. */
void nn_isa_limit_cpu(enum nn_isa max);

/* 1 when the BF16 products (gemm_bf16.c) run on vdpbf16ps: the active path is AVX-512 and the CPU
 * has AVX512_BF16 (cpuid read once, cached; nn_isa_limit_cpu below AVX-512 hides it). 0: the
 * portable emulation (bf16 operands multiplied in FP32), the same numbers within rounding. */
int nn_isa_bf16(void);

/* Checks HRCAST_ISA for the CLI: 0 when unset or valid for this CPU; -1 with one line in err
 * (an unknown name, or a path this CPU lacks) otherwise. */
int nn_isa_check_env(char *err, size_t errlen);

#endif
