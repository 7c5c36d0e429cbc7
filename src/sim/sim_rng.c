/* sim_rng.c — splitmix64 seeding + xoshiro256** generator for the simulator (see sim_rng.h). */
#include "sim/sim_rng.h"
#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t sim_seed_mix(uint64_t seed, uint64_t label)
{
    uint64_t x = seed ^ (label * 0xD1B54A32D192ED03ull);
    splitmix64(&x);
    return splitmix64(&x);
}

void sim_rng_init(struct sim_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
    r->has_spare = 0;
    r->spare = 0;
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t sim_rng_u64(struct sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double sim_rng_uniform(struct sim_rng *r) { return (double)(sim_rng_u64(r) >> 11) * 0x1.0p-53; }

double sim_rng_range(struct sim_rng *r, double lo, double hi) { return lo + (hi - lo) * sim_rng_uniform(r); }

double sim_rng_normal(struct sim_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u1, u2;
    do
        u1 = sim_rng_uniform(r);
    while (u1 <= 1e-300);
    u2 = sim_rng_uniform(r);
    double m = sqrt(-2.0 * log(u1));
    r->spare = m * sin(2.0 * M_PI * u2);
    r->has_spare = 1;
    return m * cos(2.0 * M_PI * u2);
}

int sim_rng_int(struct sim_rng *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int)(sim_rng_uniform(r) * (double)(hi - lo + 1));
}
