/* hrcast.h — the public C API of libhrcast: load a model file (LSTM, physiological or constant) and
 * predict a runner's heart rate from arrays of speed and altitude, or from a workout file in any format
 * hrcast reads (FIT, TCX, GPX, CSV, FitRec, seed JSON, Parquet; .gz ok). Installed (`make install`):
 * cc prog.c $(pkg-config --cflags --libs hrcast) links the shared libhrcast.so.0, which exports exactly
 * the functions below (src/api/libhrcast.map); in the tree, link build/libhrcast.a and the Makefile's
 * LDLIBS. Thread-safety: a model may be used by one thread at a
 * time; load one per thread. Errors: functions return 0 / non-zero and write one line into err. */
#ifndef HRCAST_H
#define HRCAST_H
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HRCAST_API_VERSION 1
#define HRCAST_VERSION "0.1.0"

/* The library exports these functions only (built with -fvisibility=hidden). */
#if defined(__GNUC__)
#define HRCAST_EXPORT __attribute__((visibility("default")))
#else
#define HRCAST_EXPORT
#endif

typedef struct hrcast_model hrcast_model;

/* One predicted workout, on the model's time grid. Arrays have n entries; free with hrcast_result_free. */
typedef struct hrcast_result {
    int n;
    float step_s;     /* grid step, seconds */
    float *time_s;    /* elapsed seconds */
    float *speed;     /* m/s after cleaning */
    float *altitude;  /* m */
    float *hr;        /* predicted heart rate, bpm */
    float *hr_sigma;  /* predicted sd in bpm, or NULL when the model has none */
    float *hr_actual; /* recorded heart rate (NaN where masked), or NULL when the input had none */
    double mae;       /* MAE against hr_actual over valid steps, or NaN */
    char source[256];
} hrcast_result;

HRCAST_EXPORT hrcast_model *hrcast_model_load(const char *path, char *err, size_t errlen);
HRCAST_EXPORT void hrcast_model_free(hrcast_model *m);
/* "lstm", "physio" or "constant" */
HRCAST_EXPORT const char *hrcast_model_kind(const hrcast_model *m);
HRCAST_EXPORT float hrcast_model_step(const hrcast_model *m);
/* The model card (metadata) as a JSON text owned by the model. */
HRCAST_EXPORT const char *hrcast_model_card(const hrcast_model *m);
/* LSTM models: predict with 8-bit integer products (on = 1: faster, within a few tenths of a bpm of
 * FP32) or in FP32 (on = 0, the default). Returns 0, or -1 with err for other kinds of model. */
HRCAST_EXPORT int hrcast_model_set_int8(hrcast_model *m, int on, char *err, size_t errlen);

/* A planned or recorded run given as arrays sampled every step_s seconds (altitude may be NULL; gender
 * 'm', 'f' or 'u'). The run is cleaned and resampled onto the model's grid like any file. */
HRCAST_EXPORT int hrcast_predict_arrays(const hrcast_model *m, const float *speed_mps, const float *altitude_m,
                                        int n, float step_s, char gender, hrcast_result *out, char *err, size_t errlen);
/* Every workout of a file: *out receives an array of *count results (free with hrcast_results_free). */
HRCAST_EXPORT int hrcast_predict_file(const hrcast_model *m, const char *path, hrcast_result **out, int *count,
                                      char *err, size_t errlen);
HRCAST_EXPORT void hrcast_result_free(hrcast_result *r);
HRCAST_EXPORT void hrcast_results_free(hrcast_result *r, int count);

/* The library's version ("0.1.0", = HRCAST_VERSION of the header it was built with): a program or
 * binding loading libhrcast.so at run time checks it matches what it expects. */
HRCAST_EXPORT const char *hrcast_version(void);

#ifdef __cplusplus
}
#endif
#endif
