/* samples.c — the built-in sample workouts (see samples.h). Profiles are piecewise speeds in m/s
 * with gentle smoothing at changes, plus a small seeded wobble so they look recorded. */
#include "serve/samples.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static float wobble(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return ((float)(*state >> 8) / 16777216.0f - 0.5f) * 0.12f; /* +-0.06 m/s */
}

static float steady(int i) { (void)i; return 3.0f; }

static float intervals(int i)
{
    int t = i * (int)SAMPLE_STEP;
    if (t < 600)
        return 2.7f;
    t -= 600;
    if (t < 6 * 300)
        return (t % 300) < 180 ? 4.3f : 2.4f;
    return 2.6f;
}

static float progressive(int i) { return 2.5f + 1.6f * (float)i / 240.0f; }

static float hilly_alt(float dist) { return 120.0f + 35.0f * sinf(dist / 1500.0f * 2.0f * (float)M_PI); }

int samples_build(struct sample **out)
{
    static const struct {
        const char *id, *title, *description;
        int minutes;
        float (*speed)(int);
    } spec[] = {
        {"steady", "Steady 30 min", "30 min easy at 5:33/km on the flat", 30, steady},
        {"intervals", "Intervals 6 x 3 min", "10 min warm-up, 6 x (3 min at 3:53/km, 2 min jog), 10 min cool-down", 40,
         intervals},
        {"progressive", "Progressive 40 min", "from 6:40/km down to 4:10/km, steadily faster", 40, progressive},
        {"hilly", "Hilly 45 min", "rolling hills of +-35 m every 1.5 km, easing uphill", 45, NULL},
    };
    int count = (int)(sizeof spec / sizeof spec[0]);
    struct sample *s = calloc((size_t)count, sizeof *s);
    if (!s)
        return -1;
    uint32_t seed = 20240611u;
    for (int k = 0; k < count; k++) {
        int n = spec[k].minutes * 60 / (int)SAMPLE_STEP + 1;
        s[k].id = spec[k].id;
        s[k].title = spec[k].title;
        s[k].description = spec[k].description;
        s[k].n = n;
        s[k].speed = malloc((size_t)n * sizeof(float));
        s[k].alt = malloc((size_t)n * sizeof(float));
        if (!s[k].speed || !s[k].alt) {
            samples_free(s, count);
            return -1;
        }
        float dist = 0, prev = 2.0f;
        for (int i = 0; i < n; i++) {
            float alt = spec[k].speed ? 50.0f : hilly_alt(dist);
            float v;
            if (spec[k].speed)
                v = spec[k].speed(i);
            else {
                float grade = (hilly_alt(dist + 10) - hilly_alt(dist - 10)) / 20.0f;
                v = 3.1f - 6.0f * grade; /* slower uphill, faster downhill */
            }
            v = prev + 0.6f * (v - prev) + wobble(&seed); /* smooth the steps a little */
            prev = v;
            s[k].speed[i] = v;
            s[k].alt[i] = alt;
            dist += v * SAMPLE_STEP;
        }
    }
    *out = s;
    return count;
}

void samples_free(struct sample *s, int count)
{
    if (!s)
        return;
    for (int k = 0; k < count; k++) {
        free(s[k].speed);
        free(s[k].alt);
    }
    free(s);
}

void samples_json(const struct sample *s, int count, struct sbuf *b)
{
    sbuf_puts(b, "[");
    for (int k = 0; k < count; k++) {
        sbuf_puts(b, k ? ",\n{\"id\":" : "{\"id\":");
        sb_json_str(b, s[k].id);
        sbuf_puts(b, ",\"title\":");
        sb_json_str(b, s[k].title);
        sbuf_puts(b, ",\"description\":");
        sb_json_str(b, s[k].description);
        sbuf_printf(b, ",\"step\":%g,\"speed\":", (double)SAMPLE_STEP);
        sb_json_floats(b, s[k].speed, s[k].n, 3);
        sbuf_puts(b, ",\"altitude\":");
        sb_json_floats(b, s[k].alt, s[k].n, 1);
        sbuf_puts(b, "}");
    }
    sbuf_puts(b, "]\n");
}
