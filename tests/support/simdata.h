/* simdata.h — a small simulated dataset for the tests that train models: `athletes` runners x
 * `workouts` recordings from the simulator (sensor faults included), cleaned by the same ingest path
 * as `hrcast import`, written to path. */
#ifndef HRCAST_TESTS_SIMDATA_H
#define HRCAST_TESTS_SIMDATA_H
#include <stdint.h>

/* duration_scale shortens the planned workouts (0.3 = 30 %) to keep tests fast. Returns 0 or -1. */
int make_sim_dataset(const char *path, int athletes, int workouts, uint64_t seed, double duration_scale);

/* A test group's fixture: a temp dir holding sim.hrd made by make_sim_dataset. */
struct sim_fixture {
    char *dir;
    char path[512];
};
int sim_fixture_open(struct sim_fixture *f, int athletes, int workouts, uint64_t seed, double duration_scale);
void sim_fixture_close(struct sim_fixture *f);

#endif
