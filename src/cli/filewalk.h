/* filewalk.h — expands command-line PATHs (files or directories, recursively) into a sorted list
 * of candidate workout files, skipping hidden entries and obvious non-workout files. Symlinks are
 * followed, but each folder (device, inode) is walked once. */
#ifndef HRCAST_CLI_FILEWALK_H
#define HRCAST_CLI_FILEWALK_H

struct file_list {
    char **path;
    int *root;   /* index of the command-line PATH each file came from */
    int n, cap;
    struct dir_id { unsigned long long dev, ino; } *seen; /* folders walked: each once, so symlink
                                                          * loops (a link to "." or a parent) end */
    int n_seen, cap_seen;
};

/* Returns 0, or -1 with a message on stderr when a PATH does not exist. */
int file_list_add(struct file_list *l, const char *path, int root);
void file_list_free(struct file_list *l);
/* Name of the first directory below root_path that holds path ("" if path is directly in it). */
void first_subdir(const char *root_path, const char *path, char *out, int cap);

#endif
