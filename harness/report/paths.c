/* Paths for `chanmul report` (paths.h). */
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int path_mkdirs(const char *path)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(tmp, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

void path_parent_dir(const char *path, char *buf, size_t len)
{
    snprintf(buf, len, "%s", path);
    char *slash = strrchr(buf, '/');
    if (!slash)
        snprintf(buf, len, ".");
    else if (slash == buf)
        buf[1] = '\0';
    else
        *slash = '\0';
}

void path_trim_slashes(const char *path, char *buf, size_t len)
{
    snprintf(buf, len, "%s", path);
    for (size_t n = strlen(buf); n > 1 && buf[n - 1] == '/'; n--)
        buf[n - 1] = '\0';
}

void path_relative_dir(const char *from, const char *to, char *buf, size_t len)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(from, a) || !realpath(to, b)) {
        snprintf(buf, len, "%s", to);
        return;
    }
    /* common: the end of the longest shared leading run of whole components */
    size_t common = 0, i = 0;
    for (; a[i] && a[i] == b[i]; i++)
        if (a[i] == '/')
            common = i;
    if (!a[i] && (b[i] == '/' || !b[i]))
        common = i;
    else if (!b[i] && a[i] == '/')
        common = i;
    buf[0] = '\0';
    for (const char *p = a + common; *p; p++) /* one "../" per component of from below it */
        if (*p == '/') {
            size_t u = strlen(buf);
            snprintf(buf + u, len - u, "../");
        }
    size_t u = strlen(buf);
    snprintf(buf + u, len - u, "%s", b[common] == '/' ? b + common + 1 : b + common);
    u = strlen(buf);
    if (u == 0)
        snprintf(buf, len, ".");
    else if (buf[u - 1] == '/')
        buf[u - 1] = '\0';
}

int path_check_output(const char *path, int may_create, char *which, size_t len)
{
    struct stat st;
    snprintf(which, len, "%s", path);
    if (!*path) {
        errno = ENOENT;
        return -1;
    }
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    /* the folder, or with may_create the nearest folder above it that exists
     * (nothing is created here: a refused command leaves no trace) */
    char dir[PATH_MAX];
    path_parent_dir(path, dir, sizeof dir);
    while (stat(dir, &st) != 0) {
        char up[PATH_MAX];
        path_parent_dir(dir, up, sizeof up);
        if (!may_create || errno != ENOENT || strcmp(up, dir) == 0) {
            snprintf(which, len, "%s", dir);
            return -1;
        }
        snprintf(dir, sizeof dir, "%s", up);
    }
    snprintf(which, len, "%s", dir);
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    /* (access, not a trial file: nothing is left behind; for root it still
     * says EROFS on a read-only file system) */
    if (access(dir, W_OK | X_OK) != 0)
        return -1;
    snprintf(which, len, "%s", path);
    return 0;
}

/* Calls fn(from/name, to/name) for each file directly in from_dir ("." and ".."
 * skipped); stops at the first nonzero. */
static int each_file(const char *from_dir, const char *to_dir, int (*fn)(const char *, const char *))
{
    DIR *d = opendir(from_dir);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *ent;
    while (rc == 0 && (ent = readdir(d)) != NULL) {
        if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
            continue;
        char from[PATH_MAX], to[PATH_MAX];
        if (snprintf(from, sizeof from, "%s/%s", from_dir, ent->d_name) >= (int)sizeof from ||
            snprintf(to, sizeof to, "%s/%s", to_dir ? to_dir : "", ent->d_name) >= (int)sizeof to) {
            errno = ENAMETOOLONG;
            rc = -1;
            break;
        }
        rc = fn(from, to);
    }
    int saved = errno;
    closedir(d);
    errno = saved;
    return rc;
}

static int move_one(const char *from, const char *to)
{
    return rename(from, to);
}

static int remove_one(const char *from, const char *to)
{
    (void)to;
    unlink(from);
    return 0;
}

int path_move_files(const char *from_dir, const char *to_dir)
{
    return each_file(from_dir, to_dir, move_one);
}

void path_remove_flat_dir(const char *dir)
{
    each_file(dir, NULL, remove_one);
    rmdir(dir);
}
