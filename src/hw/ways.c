/* The general way scan (any associativity), out of the hit path (see ways.h). */
#include "hw/ways.h"

int ways_find(const uint64_t *k, uint64_t key, uint32_t ways)
{
    uint64_t m;
    if (ways_scan(k, key, ways, &m))
        return m ? (int)ways_first(m) : -1;
    for (uint32_t w = 0; w < ways; w++)
        if (k[w] == key)
            return (int)w;
    return -1;
}
