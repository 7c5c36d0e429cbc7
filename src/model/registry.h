/* registry.h — (internal to src/model) the table predictor_load dispatches on: one loader per
 * "model_type" found in a model file's __metadata__. To add a model kind (the LSTM), write its
 * loader with this signature and add one row to the table in predictor.c. */
#ifndef HRCAST_MODEL_REGISTRY_H
#define HRCAST_MODEL_REGISTRY_H
#include "model/predictor.h"
#include "util/safetensors.h"

struct json;

/* Build *p from a parsed model file (path labels errors). Fills everything but metadata_json. */
typedef int (*predictor_loader_fn)(const struct safetensors *st, const char *path, struct predictor *p,
                                   struct hr_err *e);

struct predictor_loader {
    const char *model_type;
    predictor_loader_fn load;
};

int physio_predictor_load_st(const struct safetensors *st, const char *path, struct predictor *p,
                             struct hr_err *e);
int constant_predictor_load_st(const struct safetensors *st, const char *path, struct predictor *p,
                               struct hr_err *e);

/* Read a model file and check that its model_type is `type` (one clear error otherwise). */
int model_file_read(const char *path, const char *type, struct safetensors *st, struct hr_err *e);

/* The __metadata__ as one JSON object: values that are JSON objects/arrays are embedded, other
 * values stay strings. malloc'ed, NULL on out of memory. */
char *model_meta_to_json(const struct safetensors *st);
/* Parse the "model" metadata entry (the model card); *out freed with json_free. */
int model_card_parse(const struct safetensors *st, const char *path, struct json **out, struct hr_err *e);

#endif
