/* The sample program of examples/traces: a table of 128 x 64 records of 64 bytes (one
 * record a cache block, one row of 64 records a 4 KiB page: 128 pages, 512 KiB). It fills
 * the table row by row, then sums one field of every record, either row by row
 * (`walk rows`: the next record is in the same page 63 times out of 64) or column by
 * column (`walk cols`: every record in a different page than the one before).
 * Same work, different locality. examples/README.md says how the traces were made. */
#include <string.h>

#define ROWS 128
#define COLS 64

struct record {
    int key;
    char pad[60];
};

static struct record table[ROWS][COLS];

int main(int argc, char **argv)
{
    int by_cols = argc > 1 && strcmp(argv[1], "cols") == 0;
    long sum = 0;
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < COLS; j++)
            table[i][j].key = i + j;
    if (by_cols) {
        for (int j = 0; j < COLS; j++)
            for (int i = 0; i < ROWS; i++)
                sum += table[i][j].key;
    } else {
        for (int i = 0; i < ROWS; i++)
            for (int j = 0; j < COLS; j++)
                sum += table[i][j].key;
    }
    return (int)(sum & 1);
}
