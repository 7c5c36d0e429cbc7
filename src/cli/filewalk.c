/* filewalk.c — see filewalk.h. */
#include "cli/filewalk.h"
#include "util/fileio.h"
#include "util/utf8.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *skip_ext[] = {".md", ".tsv", ".txt", ".yml", ".yaml", ".html", ".png", ".jpg",
                                 ".pdf", ".py", ".js", ".sh", ".c", ".h", ".hrd",
                                 ".safetensors", NULL};

static int skipped_name(const char *name)
{
    if (name[0] == '.')
        return 1;
    const char *dot = strrchr(name, '.');
    if (!dot)
        return 0;
    for (int i = 0; skip_ext[i]; i++)
        if (!strcasecmp(dot, skip_ext[i]))
            return 1;
    return 0;
}

static int push(struct file_list *l, const char *path, int root)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 64;
        char **p = realloc(l->path, sizeof(char *) * (size_t)cap);
        if (!p)
            return -1;
        l->path = p;
        int *r = realloc(l->root, sizeof(int) * (size_t)cap);
        if (!r)
            return -1;
        l->root = r;
        l->cap = cap;
    }
    l->path[l->n] = strdup(path);
    l->root[l->n] = root;
    return l->path[l->n++] ? 0 : -1;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* 1 when the folder was walked already (a symlink loop or a second link to it), else record it. */
static int seen_before(struct file_list *l, const struct stat *st)
{
    for (int i = 0; i < l->n_seen; i++)
        if (l->seen[i].dev == (unsigned long long)st->st_dev && l->seen[i].ino == (unsigned long long)st->st_ino)
            return 1;
    if (l->n_seen == l->cap_seen) {
        int cap = l->cap_seen ? l->cap_seen * 2 : 64;
        struct dir_id *p = realloc(l->seen, sizeof *p * (size_t)cap);
        if (!p)
            return 1; /* out of memory: walk no further */
        l->seen = p;
        l->cap_seen = cap;
    }
    l->seen[l->n_seen++] = (struct dir_id){(unsigned long long)st->st_dev, (unsigned long long)st->st_ino};
    return 0;
}

static int walk_dir(struct file_list *l, const char *dir, const struct stat *dst, int root, int depth)
{
    if (depth > 32 || seen_before(l, dst))
        return 0;
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: cannot open directory: %s\n", dir, strerror(errno));
        return 0;
    }
    char **names = NULL;
    int n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (skipped_name(de->d_name))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, sizeof(char *) * (size_t)cap);
            if (!nn)
                break;
            names = nn;
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (n) /* a folder with nothing to read: names is NULL */
        qsort(names, (size_t)n, sizeof(char *), cmp_str);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        path_join(path, sizeof path, dir, names[i]);
        struct stat st;
        if (names[i] && stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                rc |= walk_dir(l, path, &st, root, depth + 1);
            else if (S_ISREG(st.st_mode))
                rc |= push(l, path, root);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int file_list_add(struct file_list *l, const char *path, int root)
{
    if (!strcmp(path, "-")) /* standard input */
        return push(l, path, root);
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        char clean[4096];
        snprintf(clean, sizeof clean, "%s", path);
        size_t k = strlen(clean);
        while (k > 1 && clean[k - 1] == '/')
            clean[--k] = '\0';
        return walk_dir(l, clean, &st, root, 0);
    }
    return push(l, path, root);
}

void file_list_free(struct file_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->path[i]);
    free(l->path);
    free(l->root);
    free(l->seen);
    memset(l, 0, sizeof *l);
}

void first_subdir(const char *root_path, const char *path, char *out, int cap)
{
    size_t k = strlen(root_path);
    while (k > 1 && root_path[k - 1] == '/')
        k--;
    out[0] = '\0';
    if (strncmp(path, root_path, k) != 0 || path[k] != '/')
        return;
    const char *rest = path + k + 1;
    const char *slash = strchr(rest, '/');
    if (!slash)
        return;
    size_t len = (size_t)(slash - rest);
    if (len >= (size_t)cap) /* cut, but not inside a UTF-8 character */
        len = utf8_cut_back(rest, (size_t)cap - 1, rest[cap - 1]);
    memcpy(out, rest, len);
    out[len] = '\0';
}
