/* A small SVG line-plot writer for mrc and working-set plots: labelled axes with round
 * ticks, one polyline per series, a legend. Writes only to the FILE * it is given. */
#ifndef VMS_POLICY_SVG_H
#define VMS_POLICY_SVG_H

#include <stddef.h>
#include <stdio.h>

struct svg_series {
    const char *name;
    const double *x, *y;
    size_t n;
};

void svg_plot(FILE *f, const char *title, const char *xlabel, const char *ylabel,
              const struct svg_series *s, size_t nseries);

#endif
