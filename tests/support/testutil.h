/* testutil.h — helpers shared by the tests: temp dirs, the real-data folder, fuzz seed export. */
#ifndef HRCAST_TESTS_TESTUTIL_H
#define HRCAST_TESTS_TESTUTIL_H
#include <stddef.h>

/* Path of ../shared/data/real (or $HRCAST_REAL_DATA) when it exists, else NULL. */
const char *real_data_dir(void);
/* mkdtemp under /tmp; returns a static-lifetime copy that the caller frees with free(). */
char *make_temp_dir(void);
/* rm -rf of a temp dir made by make_temp_dir. */
void remove_temp_dir(const char *dir);
/* When $HRCAST_SEED_DIR is set, save buf as $HRCAST_SEED_DIR/<fuzzer>/<name> (fuzz corpus seeds). */
void seed_save(const char *fuzzer, const char *name, const void *buf, size_t n);
/* Path of the hrcast binary under test ($HRCAST_BIN, else build/hrcast). */
const char *hrcast_bin(void);

#endif
