#include "files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_and_rename(const char *path, const char *data, size_t len);

int file_write_atomic(const char *path, const char *data, size_t len)
{
    /* SIGINT, SIGTERM and SIGHUP wait until the file is whole or gone: an
     * interrupted command (interrupt.h) must not leave its temporary file */
    sigset_t hold, old;
    sigemptyset(&hold);
    sigaddset(&hold, SIGINT);
    sigaddset(&hold, SIGTERM);
    sigaddset(&hold, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &hold, &old);
    int rc = write_and_rename(path, data, len);
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return rc;
}

static int write_and_rename(const char *path, const char *data, size_t len)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        done += (size_t)n;
    }
    int saved = errno;
    if (done < len || close(fd) != 0 || rename(tmp, path) != 0) {
        if (done == len)
            saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

char *file_read_all(const char *path, const char *what, size_t *len, char *err, size_t errlen)
{
    FILE *in = fopen(path, "rb");
    if (!in) {
        snprintf(err, errlen, "cannot read %s '%s': %s", what, path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(in), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(in);
        snprintf(err, errlen, "%s '%s' is a directory", what, path);
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf || n + 1 >= cap) {
            char *bigger = buf ? realloc(buf, cap *= 2) : NULL;
            if (!bigger) {
                free(buf);
                fclose(in);
                snprintf(err, errlen, "%s '%s' is too large to read", what, path);
                return NULL;
            }
            buf = bigger;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, in);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(in);
    fclose(in);
    if (bad) {
        free(buf);
        snprintf(err, errlen, "cannot read %s '%s': read error", what, path);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
