/* The one line-plot writer of vmsim (miss-ratio curves, working-set size over time, the
 * --interval time series): axes with round or decade ticks, linear or logarithmic scales,
 * one line per series with its own colour, dash pattern and point marker, a legend beside
 * the plot, a title and a subtitle. Two back-ends draw the same plot: SVG directly, and a
 * gnuplot script for PNG. Output is deterministic (fixed number formats). */
#ifndef VMS_REPORT_PLOT_H
#define VMS_REPORT_PLOT_H

#include "vmsim.h"

#include <stddef.h>
#include <stdio.h>

/* One line: n points (x[i], y[i]). A point that is not finite, or not positive on a
 * logarithmic axis, is left out and breaks the line there. */
struct plot_series {
    const char *name;
    const double *x, *y;
    size_t n;
};

struct plot {
    const char *title, *subtitle; /* subtitle NULL or "" = none */
    const char *xlabel, *ylabel;  /* with units */
    const struct plot_series *s;
    size_t n;
    /* VMS_PLOT_AUTO: logarithmic where the positive values span more than two decades */
    enum vms_plot_scale xscale, yscale;
};

/* The scale an axis gets (AUTO resolved) over the x (axis 0) or y (axis 1) values. */
enum vms_plot_scale plot_scale(const struct plot *p, int axis);
/* An SVG document of the plot into f. */
void plot_svg(FILE *f, const struct plot *p);
/* A gnuplot script drawing the plot into the PNG file png (pngcairo when the gnuplot has
 * it, else png), the data inline: feed it to gnuplot on standard input. */
void plot_gnuplot(FILE *f, const struct plot *p, const char *png);
/* plot_svg or plot_gnuplot as o asks (o->png), with o's title, subtitle and scales over
 * those of p; -VMS_EIO when f reports a write error. */
int plot_write(FILE *f, struct plot *p, const struct vms_plot_opts *o, struct vms_error *e);

#endif
