/* model_card.h — the Hugging Face model card (README.md: a YAML header the Hub reads, then Markdown)
 * for any hrcast model file (lstm, physio, constant). It reads the file's __metadata__ (model_type and
 * the "model" JSON card with its training provenance) and, when given, the metrics.json that
 * `hrcast eval -o DIR` wrote. Writing nothing itself but the card; the CLI finds the files. */
#ifndef HRCAST_EVAL_MODEL_CARD_H
#define HRCAST_EVAL_MODEL_CARD_H
#include <stddef.h>
#include "util/err.h"
#include "util/safetensors.h"

struct model_card_opts {
    const char *model_file;   /* file name as published next to the card ("model.safetensors") */
    long long file_bytes;     /* size of the model file, 0 when unknown */
    const char *metrics_json; /* text of an `hrcast eval` metrics.json, or NULL */
    const char *metrics_name; /* where it came from (shown in the card), may be NULL */
    const char *license;      /* Hub licence id; NULL leaves a commented placeholder for the user */
};

/* 1 when id can be the header's licence: a plain SPDX-like identifier (letters, digits, '.', '-', '+'; 1 to 64
 * characters: mit, apache-2.0, cc-by-4.0, other), so it can never add a key or break the YAML header. */
int model_card_license_ok(const char *id);

/* Render the card of the parsed model file st into a malloc'ed NUL-terminated string. */
int model_card_render(const struct safetensors *st, const struct model_card_opts *o, char **out,
                      size_t *len, struct hr_err *e);

#endif
