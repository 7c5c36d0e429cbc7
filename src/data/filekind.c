/* filekind.c — see filekind.h. */
#include "data/filekind.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum file_kind file_kind_of(const char *path, enum hr_format *fmt)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return FILE_KIND_MISSING;
    if (S_ISDIR(st.st_mode))
        return FILE_KIND_FOLDER;
    FILE *f = fopen(path, "rb");
    if (!f)
        return FILE_KIND_MISSING;
    uint8_t head[9] = {0};
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    if (got >= 8 && !memcmp(head, "HRCDSET", 8))
        return FILE_KIND_DATASET;
    if (got == 9 && head[8] == '{') {
        uint64_t len = 0;
        for (int i = 7; i >= 0; i--)
            len = len << 8 | head[i];
        if (len >= 2 && len < (uint64_t)st.st_size)
            return FILE_KIND_MODEL;
    }
    enum hr_format d = io_detect_path(path);
    if (d != FMT_UNKNOWN) {
        if (fmt)
            *fmt = d;
        return FILE_KIND_RECORDING;
    }
    return FILE_KIND_OTHER;
}

const char *file_kind_phrase(enum file_kind k, enum hr_format fmt, char *buf, size_t cap)
{
    switch (k) {
    case FILE_KIND_MISSING: return "missing";
    case FILE_KIND_FOLDER: return "a folder";
    case FILE_KIND_DATASET: return "an hrcast dataset";
    case FILE_KIND_MODEL: return "a model";
    case FILE_KIND_RECORDING: snprintf(buf, cap, "a workout recording (%s)", format_name(fmt)); return buf;
    case FILE_KIND_OTHER: break;
    }
    return "not an hrcast file";
}
