// The bug-finding plot: executions to the first bug per program and
// strategy, on a log scale, written as a self-contained SVG.
//
//   weft_bugs::PlotData data{.programs = {"corpus/aba_arena", ...},
//                            .strategies = {"random", "pct:3", ...}};
//   data.cells[p][s] = {.found = 20, .seeds = 20, .mean = 57.5};
//   std::string svg = weft_bugs::plot_svg(data, 10000);
#pragma once

#include <string>
#include <vector>

namespace weft_bugs {

struct PlotCell {
  int found = 0;  // seeds that found the bug
  int seeds = 0;
  double mean = 0;  // executions to the first bug, over the seeds that found it
};

struct PlotData {
  std::vector<std::string> programs;         // one column each
  std::vector<std::string> strategies;       // one marker colour each
  std::vector<std::vector<PlotCell>> cells;  // [program][strategy]
};

// A dot per (program, strategy) at its mean, filled when every seed found
// the bug, hollow when only some did, and a cross on the top line ("not
// found") when none did within `budget` executions.
std::string plot_svg(const PlotData& data, double budget);

}  // namespace weft_bugs
