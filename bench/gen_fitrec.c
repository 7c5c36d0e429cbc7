/* gen_fitrec.c — writes a synthetic FitRec/Endomondo file (one Python dict literal per line, 500
 * samples each, keys and number styles as in endomondoHR_proper.json) for the import benchmark.
 * Values are seeded random walks: lat/lon with 15 decimals, altitude 0.1 m, integer HR, speed km/h
 * with 4 decimals, timestamps ~7-8 s apart. Usage: gen_fitrec OUT SIZE_MB [SEED] [SAMPLES]
 * Build: cc -O2 -o build/gen_fitrec bench/gen_fitrec.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;
static uint64_t next_u64(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static double uniform(void) { return (double)(next_u64() >> 11) * (1.0 / 9007199254740992.0); }

static char *put_u64(char *o, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *o++ = tmp[--n];
    return o;
}

/* v with exactly `dec` decimals, trailing zeros trimmed but at least one decimal (Python-like). */
static char *put_fixed(char *o, double v, int dec)
{
    static const double scale[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (v < 0) {
        *o++ = '-';
        v = -v;
    }
    uint64_t s = (uint64_t)scale[dec];
    uint64_t x = (uint64_t)(v * scale[dec] + 0.5);
    o = put_u64(o, x / s);
    *o++ = '.';
    uint64_t f = x % s;
    char digits[20];
    for (int i = dec - 1; i >= 0; i--) {
        digits[i] = (char)('0' + f % 10);
        f /= 10;
    }
    int keep = dec;
    while (keep > 1 && digits[keep - 1] == '0')
        keep--;
    memcpy(o, digits, (size_t)keep);
    return o + keep;
}

#define LIST(key, expr)                                  \
    do {                                                 \
        o += sprintf(o, "%s'" key "': [", first ? "" : ", "); \
        first = 0;                                       \
        for (int i = 0; i < ns; i++) {                   \
            if (i)                                       \
                *o++ = ',', *o++ = ' ';                  \
            expr;                                        \
        }                                                \
        *o++ = ']';                                      \
    } while (0)

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gen_fitrec OUT SIZE_MB [SEED] [SAMPLES]\n");
        return 2;
    }
    double target = atof(argv[2]) * 1048576.0;
    rng_state = argc > 3 ? strtoull(argv[3], NULL, 10) : 1;
    int ns = argc > 4 ? atoi(argv[4]) : 500;
    if (ns < 1 || ns > 100000)
        return 2;
    FILE *f = fopen(argv[1], "wb");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    double *lat = malloc(ns * sizeof *lat), *lon = malloc(ns * sizeof *lon), *alt = malloc(ns * sizeof *alt);
    double *spd = malloc(ns * sizeof *spd);
    int *hr = malloc(ns * sizeof *hr);
    uint64_t *ts = malloc(ns * sizeof *ts);
    char *line = malloc((size_t)ns * 128 + 4096);
    double written = 0;
    long long id = 100000000;
    while (written < target) {
        id += 1 + (long long)(uniform() * 5000);
        unsigned user = 1000000 + (unsigned)(uniform() * 9000000);
        int run = uniform() < 0.6;
        double la = 40 + uniform() * 25, lo = -10 + uniform() * 40, al = uniform() * 400, v = run ? 10 : 25;
        double h = 100 + uniform() * 30;
        uint64_t t = 1300000000 + (uint64_t)(uniform() * 150000000);
        for (int i = 0; i < ns; i++) {
            v += (uniform() - 0.5) * 1.5;
            if (v < 0)
                v = 0;
            double step = 7 + uniform();
            t += (uint64_t)step;
            la += (uniform() - 0.5) * 4e-4;
            lo += (uniform() - 0.5) * 6e-4;
            al += (uniform() - 0.5) * 2;
            h += (100 + v * 4 - h) * 0.1 + (uniform() - 0.5) * 4;
            lat[i] = la, lon[i] = lo, alt[i] = al, spd[i] = v, hr[i] = (int)h, ts[i] = t;
        }
        char *o = line;
        int first = 1;
        *o++ = '{';
        LIST("altitude", o = put_fixed(o, alt[i], 1));
        o += sprintf(o, ", 'gender': '%s'", uniform() < 0.8 ? "male" : "female");
        LIST("heart_rate", o = put_u64(o, (uint64_t)hr[i]));
        o += sprintf(o, ", 'id': %lld", id);
        LIST("latitude", o = put_fixed(o, lat[i], 15));
        LIST("longitude", o = put_fixed(o, lon[i], 15));
        LIST("speed", o = put_fixed(o, spd[i], 4));
        o += sprintf(o, ", 'sport': '%s'", run ? "run" : "bike");
        LIST("timestamp", o = put_u64(o, ts[i]));
        o += sprintf(o, ", 'url': 'https://www.endomondo.com/users/%u/workouts/%lld', 'userId': %u}\n", user, id,
                     user);
        size_t len = (size_t)(o - line);
        if (fwrite(line, 1, len, f) != len) {
            perror(argv[1]);
            return 1;
        }
        written += (double)len;
    }
    if (fclose(f)) {
        perror(argv[1]);
        return 1;
    }
    free(lat), free(lon), free(alt), free(spd), free(hr), free(ts), free(line);
    return 0;
}
