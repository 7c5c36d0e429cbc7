/* sim_rng.h — the simulator's seeded random source: splitmix64 for seeding and sub-stream derivation,
 * xoshiro256** for draws, Box-Muller normals. No global state: every stream is a value. */
#ifndef HRCAST_SIM_RNG_H
#define HRCAST_SIM_RNG_H
#include <stdint.h>

struct sim_rng {
    uint64_t s[4];
    double spare; /* cached second Box-Muller normal */
    int has_spare;
};

/* Mix a seed with a stream label (e.g. athlete index, workout index) into a new independent seed. */
uint64_t sim_seed_mix(uint64_t seed, uint64_t label);
void sim_rng_init(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_u64(struct sim_rng *r);
double sim_rng_uniform(struct sim_rng *r);                  /* [0, 1) */
double sim_rng_range(struct sim_rng *r, double lo, double hi); /* [lo, hi) */
double sim_rng_normal(struct sim_rng *r);                   /* N(0, 1) */
int sim_rng_int(struct sim_rng *r, int lo, int hi);         /* lo..hi inclusive */

#endif
