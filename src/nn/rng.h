/* rng.h — the engine's seeded random numbers (splitmix64): init, dropout masks. No global state. */
#ifndef HRCAST_NN_RNG_H
#define HRCAST_NN_RNG_H
#include <stdint.h>

struct nn_rng {
    uint64_t s;
};

static inline void nn_rng_seed(struct nn_rng *r, uint64_t seed) { r->s = seed ^ 0x6a09e667f3bcc909ULL; }

static inline uint64_t nn_rng_u64(struct nn_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 24 bits. */
static inline float nn_rng_unif(struct nn_rng *r) { return (float)(nn_rng_u64(r) >> 40) * (1.0f / 16777216.0f); }

#endif
