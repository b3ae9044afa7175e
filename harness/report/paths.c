/* Paths for `chanmul report` (paths.h). */
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
