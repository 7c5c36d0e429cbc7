/* model_athletes.c — see model_athletes.h. */
#include "model/model_athletes.h"
#include "util/json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 12 /* ids named in a message */

int model_has_athlete(const struct predictor *p, const char *athlete, char *why, size_t cap, int *n_ids)
{
    if (p->finetuned && p->finetuned_athlete[0] && !strcmp(athlete, p->finetuned_athlete)) {
        if (n_ids)
            *n_ids = 1;
        return 1; /* the runner hrcast finetune made it for */
    }
    struct json *meta = NULL;
    if (!p->metadata_json || json_parse(p->metadata_json, strlen(p->metadata_json), "model", &meta, NULL))
        meta = NULL;
    const struct json *model = json_get(meta, "model");
    const struct json *src[3] = {json_get(model, "athletes"), json_get(json_get(model, "hr_scale"), "athletes"),
                                 json_get(json_get(model, "physio_prior"), "athletes")};
    int total = 0, n = 0, found = 0;
    for (int k = 0; k < 3; k++)
        total += (int)json_len(src[k]);
    const char **ids = calloc((size_t)(total ? total : 1), sizeof *ids);
    if (!ids) {
        json_free(meta);
        return -1;
    }
    for (int k = 0; k < 3; k++)
        json_foreach(it, src[k])
        {
            const char *id = it->key ? it->key : json_str(it, "");
            int dup = 0;
            for (int i = 0; i < n && !dup; i++)
                dup = !strcmp(ids[i], id);
            if (!dup)
                ids[n++] = id;
            found |= !strcmp(id, athlete);
        }
    if (n_ids)
        *n_ids = n;
    if (!found && cap) {
        size_t o = 0;
        why[0] = '\0';
        if (n == 0)
            snprintf(why, cap, "(%s) has no per-athlete parameters%s", p->kind,
                     strcmp(p->kind, "lstm") ? "" : " (an LSTM trained with --hr-scale athlete holds each one's HR scale)");
        else
            o = (size_t)snprintf(why, cap, "has no parameters for '%s'; its %d athlete(s): ", athlete, n);
        for (int i = 0; n && i < n && i < LIST_MAX && o < cap; i++)
            o += (size_t)snprintf(why + o, cap - o, "%s%s", i ? ", " : "", ids[i]);
        if (n > LIST_MAX && o < cap)
            snprintf(why + o, cap - o, ", ... and %d more", n - LIST_MAX);
    }
    free(ids);
    json_free(meta);
    return found;
}
