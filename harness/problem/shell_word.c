#include "shell_word.h"

#include <stdlib.h>
#include <string.h>

static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                           "_@%+=:,./-";

size_t shell_word_format(char *buf, size_t len, const char *word)
{
    size_t u = 0;
#define PUT(ch)                                                                           \
    do {                                                                                  \
        if (u + 1 < len)                                                                  \
            buf[u] = (ch);                                                                \
        u++;                                                                              \
    } while (0)
    int plain = *word && strspn(word, safe) == strlen(word);
    if (!plain)
        PUT('\'');
    for (const char *c = word; *c; c++) {
        if (!plain && *c == '\'') {
            PUT('\'');
            PUT('\\');
            PUT('\'');
            PUT('\'');
        } else {
            PUT(*c);
        }
    }
    if (!plain)
        PUT('\'');
#undef PUT
    if (len)
        buf[u < len ? u : len - 1] = '\0';
    return u;
}

void shell_word_append(char *buf, size_t len, const char *word)
{
    size_t used = strlen(buf);
    if (used && used + 1 < len) {
        buf[used++] = ' ';
        buf[used] = '\0';
    }
    if (used < len)
        shell_word_format(buf + used, len - used, word);
}

void shell_word_print(FILE *out, const char *word)
{
    size_t need = shell_word_format(NULL, 0, word) + 1;
    char *buf = malloc(need);
    if (!buf)
        return;
    shell_word_format(buf, need, word);
    fputs(buf, out);
    free(buf);
}
