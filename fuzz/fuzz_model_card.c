/* fuzz_model_card.c — libFuzzer target for the model-card renderer (src/eval/model_card.c). Input:
 * "model_type\0model card JSON\0metrics JSON" (the last part optional); they become the __metadata__ of
 * a small safetensors buffer and the metrics text, as `hrcast card` would read them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "eval/model_card.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 2);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = text[size + 1] = 0;
    const char *type = text, *model = text + strlen(text) + 1, *metrics = NULL;
    if (model > text + size)
        model = "";
    else if (model + strlen(model) < text + size)
        metrics = model + strlen(model) + 1;
    float x[2] = {1, 2};
    struct st_out t = {.name = "x", .dtype = ST_F32, .data = x, .ndim = 1, .shape = {2}};
    struct st_meta meta[2] = {{"model_type", (char *)type}, {"model", (char *)model}};
    uint8_t *buf = NULL;
    size_t len = 0;
    struct hr_err e;
    struct safetensors st;
    if (st_write_buffer(&t, 1, meta, 2, &buf, &len, &e) == 0 && st_parse(buf, len, "fuzz", &st, &e) == 0) {
        struct model_card_opts o = {.model_file = "fuzz.safetensors", .metrics_json = metrics};
        char *card = NULL;
        if (model_card_render(&st, &o, &card, NULL, &e) == 0)
            free(card);
        st_free(&st);
    }
    free(buf);
    free(text);
    return 0;
}
