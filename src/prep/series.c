/* series.c — allocation and small helpers for struct series (see series.h). */
#include "prep/series.h"
#include "prep/hr_quality.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *series_channel_name(enum series_channel c)
{
    static const char *names[CH_COUNT] = {"time", "speed", "altitude", "grade", "distance", "heart_rate"};
    return c < CH_COUNT ? names[c] : "?";
}

void series_meta_init(struct series_meta *m)
{
    memset(m, 0, sizeof *m);
    m->gender = 'u';
    m->start_time = NAN;
    m->id = -1;
}

int series_alloc(struct series *s, int n, float step)
{
    memset(s, 0, sizeof *s);
    series_meta_init(&s->meta);
    size_t nn = (size_t)(n > 0 ? n : 1);
    size_t floats = nn * CH_COUNT + (2 * nn + sizeof(float) - 1) / sizeof(float);
    float *buf = calloc(floats, sizeof(float));
    if (!buf)
        return -1;
    for (int c = 0; c < CH_COUNT; c++)
        s->ch[c] = buf + (size_t)c * (size_t)n;
    s->hr_issue = (uint8_t *)(buf + nn * CH_COUNT);
    s->hr_truth = s->hr_issue + nn;
    for (int i = 0; i < n; i++)
        s->ch[CH_HR][i] = NAN;
    s->n = n;
    s->step = step;
    s->owns = 1;
    return 0;
}

void series_free(struct series *s)
{
    if (s->owns)
        free(s->ch[0]);
    memset(s->ch, 0, sizeof s->ch);
    s->hr_issue = s->hr_truth = NULL;
    s->n = 0;
    s->owns = 0;
}

int series_valid_hr(const struct series *s)
{
    int c = 0;
    for (int i = 0; i < s->n; i++)
        c += !isnan(s->ch[CH_HR][i]);
    return c;
}

int series_hr_trusted(const struct series *s, int k)
{
    return !isnan(s->ch[CH_HR][k]) && !(s->hr_issue && hr_issue_flagged(s->hr_issue[k]));
}
