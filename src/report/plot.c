/* Line plots as SVG or as a gnuplot script (see plot.h): one layout, axes, scales, ticks,
 * legend, markers and dash patterns for every plot vmsim draws. */
#include "report/plot.h"

#include "base/err.h"
#include "base/types.h"

#include <math.h>
#include <string.h>

#define PLOT_W 780.0
#define PLOT_H 480.0
#define PLOT_L 78.0  /* left margin: y tick labels and the y label */
#define PLOT_R 190.0 /* right margin: the legend, outside the data */
#define PLOT_T 58.0  /* top margin: title and subtitle */
#define PLOT_B 55.0  /* bottom margin: x tick labels and the x label */

/* Colours, dash patterns and markers cycle independently of one another's length, so the
 * first 10 series differ in all three and lines stay apart in greyscale. */
static const char *const plot_colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                          "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                          "#bcbd22", "#17becf"};
static const char *const plot_dashes[] = {"", "9 4", "2 3", "12 3 3 3", "5 5", "1 5",
                                          "14 4 2 4 2 4", "7 2"};
/* gnuplot's dashtype strings for the same patterns */
static const char *const plot_gp_dashes[] = {"solid", "(9,4)", "(2,3)", "(12,3,3,3)",
                                             "(5,5)", "(1,5)", "(14,4,2,4,2,4)", "(7,2)"};
/* marker names in the SVG (ids of its <defs>) and gnuplot point types of the same shapes */
static const char *const plot_markers[] = {"circle", "square", "triangle", "diamond",
                                           "cross", "plus", "down", "star", "ring"};
static const int plot_gp_points[] = {7, 5, 9, 13, 2, 1, 11, 3, 6};

/* Markers: one about every (plot width) / PLOT_MARKS px across a line (on the screen, so
 * log axes space them as evenly as linear ones), the first of series k of n after k / n of that,
 * so that equal lines show every series' markers side by side. */
#define PLOT_MARKS 14.0

struct plot_axis {
    bool log;
    double lo, hi; /* the drawn range; log: powers of ten */
    double step;   /* linear: between ticks */
};

static bool plot_drawn(const struct plot_axis *a, double v)
{
    return isfinite(v) && (!a->log || v > 0);
}

static double plot_step(double span)
{
    if (!(span > 0))
        return 1;
    double raw = span / 6, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

/* The range of one axis over all finite values (positive ones for log). */
static void plot_extent(const struct plot *p, int axis, bool positive, double *lo,
                        double *hi, bool *any)
{
    *any = false;
    *lo = *hi = 0;
    for (size_t k = 0; k < p->n; k++)
        for (size_t i = 0; i < p->s[k].n; i++) {
            double v = axis ? p->s[k].y[i] : p->s[k].x[i];
            if (!isfinite(v) || (positive && v <= 0))
                continue;
            if (!*any || v < *lo)
                *lo = v;
            if (!*any || v > *hi)
                *hi = v;
            *any = true;
        }
}

enum vms_plot_scale plot_scale(const struct plot *p, int axis)
{
    enum vms_plot_scale sc = axis ? p->yscale : p->xscale;
    if (sc != VMS_PLOT_AUTO)
        return sc;
    double lo, hi;
    bool any;
    plot_extent(p, axis, true, &lo, &hi, &any);
    return any && hi / lo > 100 ? VMS_PLOT_LOG : VMS_PLOT_LINEAR;
}

static void plot_axis_range(const struct plot *p, int axis, struct plot_axis *a)
{
    a->log = plot_scale(p, axis) == VMS_PLOT_LOG;
    double lo, hi;
    bool any;
    plot_extent(p, axis, a->log, &lo, &hi, &any);
    if (a->log) {
        if (!any)
            lo = hi = 1;
        /* a little room around the data, which then never lies on the frame */
        a->lo = lo / 1.15;
        a->hi = hi * 1.15;
        if (a->hi <= a->lo * 1.5)
            a->lo /= 2, a->hi *= 2;
        a->step = 0;
        return;
    }
    if (!any)
        lo = hi = 0;
    if (lo > 0)
        lo = 0; /* linear axes start at 0 (or below, for negative data) */
    a->step = plot_step(hi - lo);
    a->lo = floor(lo / a->step) * a->step;
    a->hi = ceil(hi / a->step) * a->step;
    if (a->hi <= a->lo)
        a->hi = a->lo + a->step;
}

struct plot_marker {
    double spacing, offset, acc, px, py, cell;
    bool have, all;
};

static bool plot_drawn(const struct plot_axis *a, double v);
static double plot_frac(const struct plot_axis *a, double v);

/* For series k of n, s, drawn on axes ax, ay across pw px. A series with points farther
 * apart than the spacing on average gets a marker at every point. */
static void plot_marker_init(struct plot_marker *m, size_t k, size_t n,
                             const struct plot_series *s, const struct plot_axis *ax,
                             const struct plot_axis *ay, double pw)
{
    m->spacing = (PLOT_W - PLOT_L - PLOT_R) / PLOT_MARKS;
    size_t drawn = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < s->n; i++)
        if (plot_drawn(ax, s->x[i]) && plot_drawn(ay, s->y[i])) {
            double x = plot_frac(ax, s->x[i]) * pw;
            lo = drawn && lo < x ? lo : x;
            hi = drawn && hi > x ? hi : x;
            drawn++;
        }
    m->all = drawn < 2 || (hi - lo) / (double)(drawn - 1) >= m->spacing;
    m->offset = m->spacing * (double)k / (double)(n ? n : 1);
    m->acc = m->px = m->py = 0;
    m->cell = -1;
    m->have = false;
}

/* The next drawn point at (sx, sy) px: whether it gets a marker, which it does when the
 * distance across (in x) passed the next of the positions offset + i * spacing. */
static bool plot_marker_next(struct plot_marker *m, double sx, double sy)
{
    if (m->have)
        m->acc += fabs(sx - m->px); /* along x: a jagged line gets no more markers */
    m->px = sx;
    m->py = sy;
    m->have = true;
    if (m->all)
        return true;
    if (m->acc + 1e-9 < m->offset)
        return false;
    double cell = floor((m->acc - m->offset) / m->spacing + 1e-9);
    if (cell <= m->cell)
        return false;
    m->cell = cell;
    return true;
}

static double plot_frac(const struct plot_axis *a, double v);

/* Lines of more points than pixels: of the run of drawn points from i on that fall into one
 * half-pixel column, only the first, the lowest, the highest and the last are drawn (the
 * line looks the same; a long series stays small). Sets keep[0..*nkeep-1] in order and
 * returns the index after the run. */
static size_t plot_column(const struct plot_axis *ax, const struct plot_axis *ay,
                          const struct plot_series *s, size_t i, double pw, size_t keep[4],
                          size_t *nkeep)
{
    double col = floor(plot_frac(ax, s->x[i]) * pw * 2);
    size_t j = i + 1, lo = i, hi = i;
    while (j < s->n && plot_drawn(ax, s->x[j]) && plot_drawn(ay, s->y[j]) &&
           floor(plot_frac(ax, s->x[j]) * pw * 2) == col) {
        if (s->y[j] < s->y[lo])
            lo = j;
        if (s->y[j] > s->y[hi])
            hi = j;
        j++;
    }
    size_t c[4] = {i, lo < hi ? lo : hi, lo < hi ? hi : lo, j - 1};
    *nkeep = 0;
    for (int k = 0; k < 4; k++)
        if (*nkeep == 0 || c[k] > keep[*nkeep - 1])
            keep[(*nkeep)++] = c[k];
    return j;
}

/* 0..1 along the axis. */
static double plot_frac(const struct plot_axis *a, double v)
{
    if (a->log)
        return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    return (v - a->lo) / (a->hi - a->lo);
}

static void plot_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
    }
}

/* A linear tick label: the value rounded to the step's precision (no 0.30000000000000004). */
static void plot_linear_label(FILE *f, double v, double step)
{
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (fabs(v) < step / 2)
        v = 0;
    if (fabs(v) >= 1e7)
        fprintf(f, "%.3g", v);
    else
        fprintf(f, "%.*f", dec, v);
}

/* A decade tick label: 0.01 .. 10000 written out, else 10 with a superscript exponent. */
static void plot_decade_label(FILE *f, int k)
{
    static const char *const plain[] = {"0.01", "0.1", "1", "10", "100", "1000", "10000"};
    if (k >= -2 && k <= 4)
        fputs(plain[k + 2], f);
    else
        fprintf(f, "10<tspan dy=\"-6\" font-size=\"9\">%d</tspan>", k);
}

static void plot_svg_defs(FILE *f)
{
    /* markers drawn around (0,0), about 7 px across, in the series' colour (currentColor) */
    fputs("<defs>\n"
          "<circle id=\"circle\" r=\"3.8\" fill=\"currentColor\"/>\n"
          "<rect id=\"square\" x=\"-3.4\" y=\"-3.4\" width=\"6.8\" height=\"6.8\" fill=\"currentColor\"/>\n"
          "<path id=\"triangle\" d=\"M0,-4.6 L4.2,3 L-4.2,3 Z\" fill=\"currentColor\"/>\n"
          "<path id=\"diamond\" d=\"M0,-4.8 L4.8,0 L0,4.8 L-4.8,0 Z\" fill=\"currentColor\"/>\n"
          "<path id=\"cross\" d=\"M-3.5,-3.5 L3.5,3.5 M-3.5,3.5 L3.5,-3.5\" stroke=\"currentColor\" "
          "stroke-width=\"1.8\" fill=\"none\"/>\n"
          "<path id=\"plus\" d=\"M-4,0 L4,0 M0,-4 L0,4\" stroke=\"currentColor\" "
          "stroke-width=\"1.8\" fill=\"none\"/>\n"
          "<path id=\"down\" d=\"M0,4.6 L4.2,-3 L-4.2,-3 Z\" fill=\"currentColor\"/>\n"
          "<path id=\"star\" d=\"M-4,0 L4,0 M-2,-3.5 L2,3.5 M-2,3.5 L2,-3.5\" "
          "stroke=\"currentColor\" stroke-width=\"1.5\" fill=\"none\"/>\n"
          "<circle id=\"ring\" r=\"3.6\" fill=\"white\" stroke=\"currentColor\" "
          "stroke-width=\"1.5\"/>\n"
          "</defs>\n",
          f);
}

static void plot_svg_marker(FILE *f, size_t k, double x, double y)
{
    fprintf(f, "<use xlink:href=\"#%s\" x=\"%.1f\" y=\"%.1f\"/>\n",
            plot_markers[k % ARRAY_LEN(plot_markers)], x, y);
}

static void plot_svg_grid(FILE *f, const struct plot_axis *a, bool yaxis, double pw, double ph)
{
    /* log: a labelled line per decade, light lines at 2..9 times it; linear: per step */
    size_t guard = 0;
    if (a->log) {
        int k0 = (int)floor(log10(a->lo) + 1e-9), k1 = (int)floor(log10(a->hi) + 1e-9);
        int every = (k1 - k0 + 11) / 12; /* label at most about 12 decades */
        /* fewer than two decades inside: label the ticks between them too */
        bool all = pow(10, k0) < a->lo * (1 - 1e-9) ? k1 - k0 < 2 : k1 - k0 < 1;
        for (int k = k0; k <= k1 && guard++ < 400; k++)
            for (int m = 1; m <= 9; m++) {
                double v = m * pow(10, k);
                if (v > a->hi * (1 + 1e-9))
                    break;
                if (v < a->lo * (1 - 1e-9))
                    continue;
                double fr = plot_frac(a, v);
                double x1 = yaxis ? PLOT_L : PLOT_L + fr * pw;
                double y1 = yaxis ? PLOT_T + ph - fr * ph : PLOT_T;
                double x2 = yaxis ? PLOT_L + pw : x1, y2 = yaxis ? y1 : PLOT_T + ph;
                fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
                        x1, y1, x2, y2, m == 1 ? "#c8c8c8" : "#ececec");
                /* tick marks on the frame: long at decades, short between */
                double len = m == 1 ? 6 : 3;
                if (yaxis)
                    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                               "stroke=\"black\"/>\n", PLOT_L - len, y1, PLOT_L, y1);
                else
                    fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                               "stroke=\"black\"/>\n", x1, PLOT_T + ph, x1, PLOT_T + ph + len);
                if (!all && (m != 1 || (k - k0) % every))
                    continue;
                if (yaxis)
                    fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                            PLOT_L - 9, y1 + 4);
                else
                    fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                            x1, PLOT_T + ph + 19);
                if (m == 1)
                    plot_decade_label(f, k);
                else
                    fprintf(f, "%g", v);
                fputs("</text>\n", f);
            }
        return;
    }
    for (double i = 0;; i++) {
        double v = a->lo + i * a->step;
        if (v > a->hi + a->step / 2 || guard++ > 400)
            break;
        double fr = plot_frac(a, v);
        double x1 = yaxis ? PLOT_L : PLOT_L + fr * pw, y1 = yaxis ? PLOT_T + ph - fr * ph : PLOT_T;
        double x2 = yaxis ? PLOT_L + pw : x1, y2 = yaxis ? y1 : PLOT_T + ph;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d8d8d8\"/>\n",
                x1, y1, x2, y2);
        if (yaxis) {
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
                    PLOT_L - 5, y1, PLOT_L, y1);
            fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
                    PLOT_L - 8, y1 + 4);
        } else {
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
                    x1, PLOT_T + ph, x1, PLOT_T + ph + 5);
            fprintf(f, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", x1,
                    PLOT_T + ph + 19);
        }
        plot_linear_label(f, v, a->step);
        fputs("</text>\n", f);
    }
}

void plot_svg(FILE *f, const struct plot *p)
{
    struct plot_axis ax, ay;
    plot_axis_range(p, 0, &ax);
    plot_axis_range(p, 1, &ay);
    double pw = PLOT_W - PLOT_L - PLOT_R, ph = PLOT_H - PLOT_T - PLOT_B;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
               "xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
            PLOT_W, PLOT_H, PLOT_W, PLOT_H);
    fprintf(f, "<title>");
    plot_text(f, p->title);
    if (p->subtitle && *p->subtitle) {
        fputs(": ", f);
        plot_text(f, p->subtitle);
    }
    fprintf(f, "</title>\n");
    plot_svg_defs(f);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<text class=\"title\" x=\"%.1f\" y=\"22\" text-anchor=\"middle\" "
               "font-size=\"15\" font-weight=\"bold\">", PLOT_W / 2);
    plot_text(f, p->title);
    fprintf(f, "</text>\n");
    if (p->subtitle && *p->subtitle) {
        fprintf(f, "<text class=\"subtitle\" x=\"%.1f\" y=\"41\" text-anchor=\"middle\">",
                PLOT_W / 2);
        plot_text(f, p->subtitle);
        fprintf(f, "</text>\n");
    }
    fprintf(f, "<g class=\"axis\" data-x-scale=\"%s\" data-y-scale=\"%s\">\n",
            ax.log ? "log" : "linear", ay.log ? "log" : "linear");
    plot_svg_grid(f, &ay, true, pw, ph);
    plot_svg_grid(f, &ax, false, pw, ph);
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
               "stroke=\"black\"/>\n",
            PLOT_L, PLOT_T, pw, ph);
    fprintf(f, "<text class=\"xlabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
            PLOT_L + pw / 2, PLOT_H - 12);
    plot_text(f, p->xlabel);
    if (ax.log)
        fputs(" (log scale)", f);
    fprintf(f, "</text>\n<text class=\"ylabel\" transform=\"translate(18 %.1f) rotate(-90)\" "
               "text-anchor=\"middle\">",
            PLOT_T + ph / 2);
    plot_text(f, p->ylabel);
    if (ay.log)
        fputs(" (log scale)", f);
    fprintf(f, "</text>\n</g>\n");
    /* the lines, clipped to the plot area; the first series is drawn last (on top) */
    fprintf(f, "<clipPath id=\"area\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
               "height=\"%.1f\"/></clipPath>\n",
            PLOT_L - 5, PLOT_T - 5, pw + 10, ph + 10);
    for (size_t k = p->n; k-- > 0;) {
        const struct plot_series *s = &p->s[k];
        const char *color = plot_colors[k % ARRAY_LEN(plot_colors)];
        const char *dash = plot_dashes[k % ARRAY_LEN(plot_dashes)];
        fprintf(f, "<g class=\"series\" clip-path=\"url(#area)\" color=\"%s\">\n<path fill=\"none\" "
                   "stroke=\"%s\" stroke-width=\"1.8\" stroke-linejoin=\"round\"",
                color, color);
        if (*dash)
            fprintf(f, " stroke-dasharray=\"%s\"", dash);
        fputs(" d=\"", f);
        bool pen = false;
        size_t drawn = 0;
        for (size_t i = 0; i < s->n;) {
            if (!plot_drawn(&ax, s->x[i]) || !plot_drawn(&ay, s->y[i])) {
                pen = false;
                i++;
                continue;
            }
            size_t keep[4], nkeep;
            size_t next = plot_column(&ax, &ay, s, i, pw, keep, &nkeep);
            for (size_t q = 0; q < nkeep; q++) {
                fprintf(f, "%s%c%.1f,%.1f", drawn ? " " : "", pen ? 'L' : 'M',
                        PLOT_L + plot_frac(&ax, s->x[keep[q]]) * pw,
                        PLOT_T + ph - plot_frac(&ay, s->y[keep[q]]) * ph);
                pen = true;
                drawn++;
            }
            i = next;
        }
        fputs("\"/>\n", f);
        struct plot_marker mk;
        plot_marker_init(&mk, k, p->n, s, &ax, &ay, pw);
        for (size_t i = 0; i < s->n; i++) {
            if (!plot_drawn(&ax, s->x[i]) || !plot_drawn(&ay, s->y[i]))
                continue;
            double sx = PLOT_L + plot_frac(&ax, s->x[i]) * pw;
            double sy = PLOT_T + ph - plot_frac(&ay, s->y[i]) * ph;
            if (plot_marker_next(&mk, sx, sy))
                plot_svg_marker(f, k, sx, sy);
        }
        fputs("</g>\n", f);
    }
    /* the legend, right of the plot area */
    double lx = PLOT_L + pw + 14;
    fprintf(f, "<g class=\"legend\">\n");
    for (size_t k = 0; k < p->n; k++) {
        const char *color = plot_colors[k % ARRAY_LEN(plot_colors)];
        const char *dash = plot_dashes[k % ARRAY_LEN(plot_dashes)];
        double ly = PLOT_T + 12 + 20 * (double)k;
        fprintf(f, "<g color=\"%s\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"%s\" stroke-width=\"1.8\"",
                color, lx, ly, lx + 34, ly, color);
        if (*dash)
            fprintf(f, " stroke-dasharray=\"%s\"", dash);
        fputs("/>\n", f);
        plot_svg_marker(f, k, lx + 17, ly);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", lx + 42, ly + 4);
        plot_text(f, p->s[k].name);
        fprintf(f, "</text></g>\n");
    }
    fprintf(f, "</g>\n</svg>\n");
}

/* A gnuplot single-quoted string (noenhanced): quotes doubled, control characters as
 * spaces. */
static void plot_gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
    }
    fputc('\'', f);
}

void plot_gnuplot(FILE *f, const struct plot *p, const char *png)
{
    struct plot_axis ax, ay;
    plot_axis_range(p, 0, &ax);
    plot_axis_range(p, 1, &ay);
    fputs("if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
          "    set terminal pngcairo size 1040,640 font ',11' noenhanced dashed\n"
          "} else {\n"
          "    set terminal png size 1040,640 noenhanced\n"
          "}\n"
          "set output ",
          f);
    plot_gp_string(f, png);
    fputs("\nset title ", f);
    plot_gp_string(f, p->title);
    if (p->subtitle && *p->subtitle) {
        fputs(" . \"\\n\" . ", f); /* double quotes: the one escape */
        plot_gp_string(f, p->subtitle);
    }
    fputs("\nset xlabel ", f);
    plot_gp_string(f, p->xlabel);
    if (ax.log)
        fputs(" . ' (log scale)'", f);
    fputs("\nset ylabel ", f);
    plot_gp_string(f, p->ylabel);
    if (ay.log)
        fputs(" . ' (log scale)'", f);
    fputc('\n', f);
    const struct plot_axis *axes[2] = {&ax, &ay};
    for (int i = 0; i < 2; i++) {
        const char *n = i ? "y" : "x";
        if (axes[i]->log)
            fprintf(f, "set logscale %s 10\nset format %s '%%g'\nset m%stics 10\n", n, n, n);
        fprintf(f, "set %srange [%.6g:%.6g]\n", n, axes[i]->lo, axes[i]->hi);
    }
    fputs("set grid back xtics ytics mxtics mytics lt 1 lw 1 lc rgb '#c8c8c8', "
          "lt 1 lw 1 lc rgb '#ececec'\n"
          "set key outside right top\n"
          "set datafile missing 'NaN'\n"
          "plot",
          f);
    /* per series: the line, its markers (chosen as in the SVG), its legend entry */
    for (size_t k = 0; k < p->n; k++) {
        const char *color = plot_colors[k % ARRAY_LEN(plot_colors)];
        const char *dash = plot_gp_dashes[k % ARRAY_LEN(plot_gp_dashes)];
        int pt = plot_gp_points[k % ARRAY_LEN(plot_gp_points)];
        fprintf(f, "%s '-' using 1:2 with lines linewidth 2 linecolor rgb '%s' dashtype %s "
                   "notitle, \\\n    '-' using 1:2 with points linecolor rgb '%s' pointtype %d "
                   "pointsize 1.1 notitle, \\\n    NaN with linespoints linewidth 2 "
                   "linecolor rgb '%s' dashtype %s pointtype %d pointsize 1.1 title ",
                k ? ", \\\n   " : "", color, dash, color, pt, color, dash, pt);
        plot_gp_string(f, p->s[k].name);
    }
    fputc('\n', f);
    double pw = PLOT_W - PLOT_L - PLOT_R, ph = PLOT_H - PLOT_T - PLOT_B;
    for (size_t k = 0; k < p->n; k++) {
        const struct plot_series *s = &p->s[k];
        for (int pass = 0; pass < 2; pass++) {
            bool gap = false;
            struct plot_marker mk;
            plot_marker_init(&mk, k, p->n, s, &ax, &ay, pw);
            for (size_t i = 0; i < s->n;) {
                double x = s->x[i], y = s->y[i];
                if (!plot_drawn(&ax, x) || !plot_drawn(&ay, y)) {
                    gap = true;
                    i++;
                    continue;
                }
                if (pass == 1) {
                    if (plot_marker_next(&mk, plot_frac(&ax, x) * pw, ph - plot_frac(&ay, y) * ph))
                        fprintf(f, "%.10g %.10g\n", x, y);
                    i++;
                    continue;
                }
                if (gap)
                    fputc('\n', f); /* a blank line breaks the line */
                gap = false;
                size_t keep[4], nkeep;
                size_t next = plot_column(&ax, &ay, s, i, pw, keep, &nkeep);
                for (size_t q = 0; q < nkeep; q++)
                    fprintf(f, "%.10g %.10g\n", s->x[keep[q]], s->y[keep[q]]);
                i = next;
            }
            fputs("e\n", f);
        }
    }
}

int plot_write(FILE *f, struct plot *p, const struct vms_plot_opts *o, struct vms_error *e)
{
    if (o) {
        if (o->title)
            p->title = o->title;
        if (o->subtitle)
            p->subtitle = o->subtitle;
        if (o->x != VMS_PLOT_AUTO)
            p->xscale = o->x;
        if (o->y != VMS_PLOT_AUTO)
            p->yscale = o->y;
    }
    if (o && o->png)
        plot_gnuplot(f, p, o->png);
    else
        plot_svg(f, p);
    return ferror(f) ? err_set(e, VMS_EIO, "write error") : 0;
}
