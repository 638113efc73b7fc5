// Times the linearizability checker on porcupine's 102 Jepsen etcd logs, next
// to porcupine's own figures. Parsing is timed separately from checking.
//
//   weft_lin_bench ../shared/data/porcupine [--repeat=N]
//
// Each file is parsed once, then checked N times (explanations off, as in
// porcupine's benchmark); the per-file time is the mean of those checks.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "porcupine_reference.h"
#include "weft/lin/check.h"
#include "weft/lin/formats/decode.h"
#include "weft/lin/formats/parse.h"

ABSL_FLAG(int, repeat, 20, "checks per file; the time reported is their mean");
ABSL_FLAG(int, min_ms, 50, "keep repeating a file's check until this much time has passed");

namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("weft_lin_bench PORCUPINE_DATA_DIR [--repeat=N]");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: weft_lin_bench PORCUPINE_DATA_DIR [--repeat=N]\n");
    return 2;
  }
  const std::filesystem::path dir = std::filesystem::path(args[1]) / "jepsen";
  const int repeat = std::max(1, absl::GetFlag(FLAGS_repeat));
  const double min_ms = absl::GetFlag(FLAGS_min_ms);
  using weft::lin::RegisterModel;

  double total_check = 0, total_parse = 0, total_porcupine = 0;
  int mismatches = 0, slower = 0;
  std::printf("%-14s %5s %-17s %12s %12s %9s %10s\n", "file", "ops", "verdict", "porcupine_ms", "weft_ms", "speedup",
              "parse_ms");
  for (const auto& ref : weft::lin::porcupine::kEtcdFiles) {
    const std::string path = (dir / std::string(ref.name)).string();
    const auto parse_start = Clock::now();
    auto raw = weft::lin::read_history_file(path, weft::lin::LogFormat::kEtcd);
    if (!raw.ok()) {
      std::fprintf(stderr, "%s\n", std::string(raw.status().message()).c_str());
      return 2;
    }
    weft::lin::HistoryOf<RegisterModel> history;
    for (const auto& op : raw->operations) {
      auto decoded = weft::lin::decode_register(op, raw->source);
      if (!decoded.ok()) {
        std::fprintf(stderr, "%s\n", std::string(decoded.status().message()).c_str());
        return 2;
      }
      if (*decoded) history.push_back(**decoded);
    }
    const double parse_ms = ms_since(parse_start);

    weft::lin::CheckOptions options;
    options.explain = false;
    weft::lin::Verdict verdict = weft::lin::Verdict::kUnknown;
    int runs = 0;
    const auto start = Clock::now();
    while (runs < repeat || ms_since(start) < min_ms) {
      verdict = weft::lin::check(RegisterModel{}, history, options).verdict;
      ++runs;
    }
    const double check_ms = ms_since(start) / runs;
    const bool expected =
        (verdict == weft::lin::Verdict::kLinearizable) == ref.linearizable && verdict != weft::lin::Verdict::kUnknown;
    mismatches += !expected;
    slower += check_ms > ref.porcupine_ms;
    total_check += check_ms;
    total_parse += parse_ms;
    total_porcupine += ref.porcupine_ms;
    std::printf("%-14s %5zu %-17s %12.3f %12.4f %8.0fx %10.3f%s\n", std::string(ref.name).c_str(), history.size(),
                std::string(weft::lin::verdict_name(verdict)).c_str(), ref.porcupine_ms, check_ms,
                ref.porcupine_ms / check_ms, parse_ms, expected ? "" : "  <-- WRONG VERDICT");
  }
  std::printf("\ntotal check: %.3f ms (porcupine %.1f ms, %.1fx faster); parsing: %.3f ms\n", total_check,
              total_porcupine, total_porcupine / total_check, total_parse);
  std::printf("files slower than porcupine: %d; wrong verdicts: %d\n", slower, mismatches);
  return mismatches == 0 ? 0 : 1;
}
