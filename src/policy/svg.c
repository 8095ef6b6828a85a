/* SVG line plots (see svg.h). Linear axes from 0 to a round maximum. */
#include "policy/svg.h"

#include <math.h>

#define SVG_W 720.0
#define SVG_H 450.0
#define SVG_L 70.0  /* left margin */
#define SVG_R 150.0 /* right margin, for the legend */
#define SVG_T 40.0
#define SVG_B 55.0

static const char *const svg_colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

/* A round tick step giving about 5-10 ticks up to max. */
static double svg_step(double max)
{
    if (max <= 0)
        return 1;
    double raw = max / 6, mag = pow(10, floor(log10(raw))), r = raw / mag;
    return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

static void svg_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
    }
}

void svg_plot(FILE *f, const char *title, const char *xlabel, const char *ylabel,
              const struct svg_series *s, size_t nseries)
{
    double xmax = 0, ymax = 0;
    for (size_t k = 0; k < nseries; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            if (s[k].x[i] > xmax)
                xmax = s[k].x[i];
            if (s[k].y[i] > ymax)
                ymax = s[k].y[i];
        }
    double xs = svg_step(xmax), ys = svg_step(ymax);
    xmax = xmax > 0 ? ceil(xmax / xs) * xs : 1;
    ymax = ymax > 0 ? ceil(ymax / ys) * ys : 1;
    double pw = SVG_W - SVG_L - SVG_R, ph = SVG_H - SVG_T - SVG_B;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n",
            SVG_W, SVG_H, SVG_W, SVG_H);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<text x=\"%.1f\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">",
            SVG_L + pw / 2);
    svg_text(f, title);
    fprintf(f, "</text>\n");
    /* grid and ticks */
    for (double v = 0; v <= ymax + ys / 2; v += ys) {
        double y = SVG_T + ph - v / ymax * ph;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                SVG_L, y, SVG_L + pw, y);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", SVG_L - 6,
                y + 4, v);
    }
    for (double v = 0; v <= xmax + xs / 2; v += xs) {
        double x = SVG_L + v / xmax * pw;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x,
                SVG_T, x, SVG_T + ph);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n", x,
                SVG_T + ph + 16, v);
    }
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
               "stroke=\"black\"/>\n",
            SVG_L, SVG_T, pw, ph);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", SVG_L + pw / 2,
            SVG_H - 15);
    svg_text(f, xlabel);
    fprintf(f, "</text>\n<text transform=\"translate(18 %.1f) rotate(-90)\" "
               "text-anchor=\"middle\">",
            SVG_T + ph / 2);
    svg_text(f, ylabel);
    fprintf(f, "</text>\n");
    for (size_t k = 0; k < nseries; k++) {
        const char *color = svg_colors[k % (sizeof svg_colors / sizeof svg_colors[0])];
        fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"", color);
        for (size_t i = 0; i < s[k].n; i++)
            fprintf(f, "%s%.1f,%.1f", i ? " " : "", SVG_L + s[k].x[i] / xmax * pw,
                    SVG_T + ph - s[k].y[i] / ymax * ph);
        fprintf(f, "\"/>\n");
        double ly = SVG_T + 10 + 18 * (double)k;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                   "stroke-width=\"3\"/>\n",
                SVG_L + pw + 12, ly, SVG_L + pw + 36, ly, color);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", SVG_L + pw + 42, ly + 4);
        svg_text(f, s[k].name);
        fprintf(f, "</text>\n");
    }
    fprintf(f, "</svg>\n");
}
