/* y = x * s over an NHWC tensor, by the implementation `auto` picks for it. */
#include <chanmul.h>
#include <stdio.h>

int main(void)
{
    chanmul_problem p = {CHANMUL_OP_SCALE, CHANMUL_NHWC, 2, 7, 7, 64};
    enum { COUNT = 2 * 7 * 7 * 64 };
    static float x[COUNT], s[64], y[COUNT];
    for (size_t i = 0; i < COUNT; i++)
        x[i] = (float)(i % 251) - 125.0f;
    for (size_t c = 0; c < p.c; c++)
        s[c] = 0.5f + (float)c / 8.0f;

    int err = chanmul_run(chanmul_impl_find("auto"), &p, x, s, y, 0);
    if (err) {
        fprintf(stderr, "chanmul_run: %s\n", chanmul_strerror(err));
        return 1;
    }
    size_t wrong = 0;
    for (size_t i = 0; i < COUNT; i++)
        wrong += y[i] != x[i] * s[i % p.c];

    chanmul_choice choice;
    if (chanmul_auto_choose(&p, 0, &choice) != 0)
        return 1;
    printf("auto chose %s for 2x7x7x64: %zu of %d elements wrong\n", choice.impl->name, wrong,
           COUNT);
    return wrong != 0;
}
