/* scenario/names: the open-addressing name table against a plain array, through adds,
 * replacements, removals (backward shift) and clears, with enough keys to grow it. */
#include "harness.h"

#include "scenario/names.h"

#include <stdbool.h>
#include <stdlib.h>

TEST(scn_names_against_array)
{
    enum { N = 3000 };
    static char keys[N][12];
    static size_t want[N];
    static bool in[N];
    for (size_t i = 0; i < N; i++)
        snprintf(keys[i], sizeof keys[i], "M%zu", i);
    struct names t = {0};
    uint64_t x = 12345;
    size_t count = 0;
    for (int step = 0; step < 40000; step++) {
        x = x * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
        size_t k = (size_t)(x >> 33) % N;
        unsigned op = (unsigned)(x >> 20) % 3;
        if (op < 2) { /* put (new or replace) */
            CHECK_EQ(names_put(&t, keys[k], (size_t)step), 0);
            count += !in[k];
            in[k] = true;
            want[k] = (size_t)step;
        } else {
            names_remove(&t, keys[k]);
            count -= in[k];
            in[k] = false;
        }
        if (step % 4000 == 3999) {
            CHECK_EQ(t.n, count);
            for (size_t i = 0; i < N; i++) {
                /* a copy of the key: lookups compare contents, not pointers */
                char copy[12];
                memcpy(copy, keys[i], sizeof copy);
                size_t *v = names_get(&t, copy);
                CHECK(in[i] ? v && *v == want[i] : v == NULL);
            }
        }
    }
    names_clear(&t);
    CHECK_EQ(t.n, 0);
    CHECK(names_get(&t, keys[0]) == NULL);
    CHECK_EQ(names_put(&t, keys[1], 7), 0);
    CHECK(names_get(&t, "M1") && *names_get(&t, "M1") == 7);
    names_fini(&t);
    CHECK(names_get(&t, "M1") == NULL);
    names_remove(&t, "M1"); /* on an empty table: nothing */
}
