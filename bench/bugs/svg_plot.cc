#include "svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "weft/report/html_escape.h"

namespace weft_bugs {
namespace {

// Colour-blind-safe palette (Okabe-Ito), one per strategy.
constexpr const char* kColours[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                    "#D55E00", "#56B4E9", "#000000", "#F0E442"};

}  // namespace

std::string plot_svg(const PlotData& data, double budget) {
  const int columns = static_cast<int>(data.programs.size());
  const int strategies = static_cast<int>(data.strategies.size());
  constexpr double kLeft = 190, kTop = 64, kColumn = 46, kHeight = 380, kLabels = 200, kLegend = 170;
  const double plot_width = kColumn * std::max(columns, 1);
  const double width = kLeft + plot_width + kLegend;
  const double height = kTop + kHeight + kLabels;
  const double decades = std::ceil(std::log10(std::max(budget, 10.0)));
  const double not_found_y = kTop - 18;
  // log10(1) = 0 at the bottom, log10(budget) at the top.
  auto y_of = [&](double executions) { return kTop + kHeight * (1 - std::log10(std::max(executions, 1.0)) / decades); };

  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
      "font-family=\"sans-serif\" font-size=\"11\">\n"
      "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
      width, height, width, height);
  absl::StrAppendFormat(&svg,
                        "<text x=\"%.0f\" y=\"20\" font-size=\"13\">Executions to the first bug (mean over the seeds "
                        "that found it; log scale)</text>\n",
                        kLeft);
  // Grid and axis: one line per decade.
  for (int d = 0; d <= decades; ++d) {
    const double y = y_of(std::pow(10.0, d));
    absl::StrAppendFormat(&svg, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", kLeft, y,
                          kLeft + plot_width, y);
    absl::StrAppendFormat(&svg, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", kLeft - 6, y + 4,
                          absl::StrCat(static_cast<int64_t>(std::llround(std::pow(10.0, d)))));
  }
  absl::StrAppendFormat(&svg,
                        "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#bbb\" "
                        "stroke-dasharray=\"4 3\"/>\n",
                        kLeft, not_found_y, kLeft + plot_width, not_found_y);
  absl::StrAppendFormat(&svg, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">none</text>\n", kLeft - 6,
                        not_found_y + 4);
  absl::StrAppendFormat(
      &svg, "<text transform=\"translate(%.0f %.0f) rotate(-90)\" text-anchor=\"middle\">executions</text>\n",
      kLeft - 52, kTop + kHeight / 2);

  for (int p = 0; p < columns; ++p) {
    const double x0 = kLeft + kColumn * p;
    if (p % 2 == 1) {
      absl::StrAppendFormat(&svg, "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"#f4f4f4\"/>\n", x0,
                            kTop - 24, kColumn, kHeight + 24);
    }
    absl::StrAppendFormat(&svg, "<text transform=\"translate(%.1f %.0f) rotate(-50)\" text-anchor=\"end\">%s</text>\n",
                          x0 + kColumn / 2 + 4, kTop + kHeight + 14, weft::detail::html_escape(data.programs[p]));
    for (int s = 0; s < strategies; ++s) {
      const PlotCell& c = data.cells[p][s];
      const double x = x0 + kColumn * (s + 1) / (strategies + 1);
      const char* colour = kColours[s % std::size(kColours)];
      const std::string title =
          absl::StrFormat("<title>%s, %s: %d/%d seeds, mean %.1f</title>", weft::detail::html_escape(data.programs[p]),
                          weft::detail::html_escape(data.strategies[s]), c.found, c.seeds, c.mean);
      if (c.found == 0) {
        absl::StrAppendFormat(&svg,
                              "<g stroke=\"%s\" stroke-width=\"1.5\">%s<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                              "y2=\"%.1f\"/><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/></g>\n",
                              colour, title, x - 3, not_found_y - 3, x + 3, not_found_y + 3, x - 3, not_found_y + 3,
                              x + 3, not_found_y - 3);
        continue;
      }
      const bool all = c.found == c.seeds;
      absl::StrAppendFormat(&svg,
                            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" stroke=\"%s\" stroke-width=\"1.5\" "
                            "fill=\"%s\">%s</circle>\n",
                            x, y_of(c.mean), colour, all ? colour : "white", title);
    }
  }
  // Legend.
  const double lx = kLeft + plot_width + 16;
  for (int s = 0; s < strategies; ++s) {
    const double y = kTop + 16 * s;
    const char* colour = kColours[s % std::size(kColours)];
    absl::StrAppendFormat(
        &svg, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"4\" fill=\"%s\"/><text x=\"%.0f\" y=\"%.0f\">%s</text>\n", lx, y,
        colour, lx + 10, y + 4, weft::detail::html_escape(data.strategies[s]));
  }
  const double ly = kTop + 16 * strategies + 14;
  absl::StrAppendFormat(&svg,
                        "<text x=\"%.0f\" y=\"%.0f\">filled: found in every seed</text>\n"
                        "<text x=\"%.0f\" y=\"%.0f\">hollow: in some seeds</text>\n"
                        "<text x=\"%.0f\" y=\"%.0f\">x on 'none': in no seed</text>\n",
                        lx - 4, ly, lx - 4, ly + 15, lx - 4, ly + 30);
  svg += "</svg>\n";
  return svg;
}

}  // namespace weft_bugs
