/* testutil.c — see testutil.h. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *real_data_dir(void)
{
    const char *env = getenv("HRCAST_REAL_DATA");
    const char *p = env && *env ? env : "../shared/data/real";
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode) ? p : NULL;
}

char *make_temp_dir(void)
{
    char tmpl[] = "/tmp/hrcast-test-XXXXXX";
    if (!mkdtemp(tmpl))
        return NULL;
    return strdup(tmpl);
}

void remove_temp_dir(const char *dir)
{
    if (!dir || strncmp(dir, "/tmp/hrcast-test-", 17) != 0)
        return;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
}

void seed_save(const char *fuzzer, const char *name, const void *buf, size_t n)
{
    const char *dir = getenv("HRCAST_SEED_DIR");
    if (!dir || !*dir)
        return;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, fuzzer);
    mkdir(dir, 0755);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/%s", dir, fuzzer, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(buf, 1, n, f);
    fclose(f);
}

const char *hrcast_bin(void)
{
    const char *b = getenv("HRCAST_BIN");
    return b && *b ? b : "build/hrcast";
}
