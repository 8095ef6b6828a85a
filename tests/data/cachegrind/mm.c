/* A mixed workload for tests/cli/cases/trace-vs-cachegrind.sh: a 64x64 int matrix
 * multiply (its arrays written before they are read), then a strided walk of a 128 KiB
 * array (four times the L1d), mostly conflict and capacity misses. */
#include <stdio.h>
#include <string.h>

#define N 64

static int a[N][N], b[N][N], c[N][N];
static long walk[16384];

int main(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = i + j;
            b[i][j] = i - j;
            c[i][j] = 0;
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int t = 0;
            for (int k = 0; k < N; k++)
                t += a[i][k] * b[k][j];
            c[i][j] = t;
        }
    memset(walk, 1, sizeof walk);
    long s = 0;
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 16384; i += 24) {
            walk[i] += c[i % N][k];
            s += walk[i];
        }
    printf("%ld\n", s);
    return 0;
}
