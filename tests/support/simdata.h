/* simdata.h — a small simulated dataset for the tests that train models: `athletes` runners x
 * `workouts` recordings from the simulator (sensor faults included), cleaned by the same ingest path
 * as `hrcast import`, written to path. */
#ifndef HRCAST_TESTS_SIMDATA_H
#define HRCAST_TESTS_SIMDATA_H
#include <stdint.h>

/* duration_scale shortens the planned workouts (0.3 = 30 %) to keep tests fast. Returns 0 or -1. */
int make_sim_dataset(const char *path, int athletes, int workouts, uint64_t seed, double duration_scale);

#endif
