/* simdata.c — see simdata.h. */
#include "simdata.h"
#include "data/ingest.h"
#include "sim/sim.h"
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>

int make_sim_dataset(const char *path, int athletes, int workouts, uint64_t seed, double duration_scale)
{
    struct sim_cohort c;
    if (sim_cohort_init(&c, athletes, seed))
        return -1;
    struct prep_opts po;
    prep_opts_default(&po);
    struct ingest g;
    struct hr_err e;
    if (ingest_open(&g, path, &po, &e)) {
        sim_cohort_free(&c);
        return -1;
    }
    struct workout w;
    workout_init(&w);
    int rc = 0;
    for (int a = 0; a < c.n && !rc; a++)
        for (int k = 0; k < workouts && !rc; k++) {
            struct sim_options so = {.noise_free = 0, .duration_scale = duration_scale};
            rc = sim_workout_ex(&c.athletes[a], k, sim_schedule_kind(&c.athletes[a], k), seed, &so, &w, NULL) ||
                 ingest_sink(&g, &w);
        }
    workout_free(&w);
    sim_cohort_free(&c);
    if (rc) {
        ingest_abort(&g);
        return -1;
    }
    return ingest_finish(&g, seed, "tests: simulated cohort", &e);
}

int sim_fixture_open(struct sim_fixture *f, int athletes, int workouts, uint64_t seed, double duration_scale)
{
    f->dir = make_temp_dir();
    snprintf(f->path, sizeof f->path, "%s/sim.hrd", f->dir);
    return make_sim_dataset(f->path, athletes, workouts, seed, duration_scale);
}

void sim_fixture_close(struct sim_fixture *f)
{
    remove_temp_dir(f->dir);
    free(f->dir);
    f->dir = NULL;
}
