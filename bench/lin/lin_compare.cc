// Times weft's linearizability checker and porcupine side by side, per file,
// in the same run: on porcupine's own test data and on generated corpora
// (weft_lin_corpus). Prints one line per file, then per-tier totals, the
// worst per-file ratio and the targets of issue 12.
//
//   weft_lin_compare [--porcupine=RUNNER] DIR...
//
// A DIR with jepsen/ and kv/ is porcupine's data (verdicts from its README);
// a DIR with manifest.tsv is a generated corpus (verdicts from the
// generator); any other DIR's *.log files are CAS-register etcd logs whose
// verdict porcupine gives (e.g. ../shared/data/lin-blowups). RUNNER is porcupine's cmd/runner, built by
// compare_porcupine.sh; without it only weft runs. Both tools' times exclude parsing; a file that checks in under 20 ms
// is checked again, and the mean is taken.
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "flag_args.h"
#include "porcupine_reference.h"
#include "weft/lin/builtin.h"
#include "weft/lin/formats/parse.h"

ABSL_FLAG(std::string, porcupine, "", "porcupine's runner (cmd/runner); empty: weft only");
ABSL_FLAG(absl::Duration, porcupine_timeout, absl::Seconds(10), "give porcupine this long per file");
ABSL_FLAG(absl::Duration, time_limit, absl::Seconds(10), "weft's time limit per file (verdict unknown after it)");
ABSL_FLAG(absl::Duration, repeat_under, absl::Milliseconds(20),
          "check a file again (both tools) while its total time is under this, and take the mean");

namespace {

enum class Expect { kLinearizable, kNot, kUnknown };

struct File {
  std::string tier;
  std::string path;
  std::string model;  // cas-register, kv, queue
  Expect expected = Expect::kUnknown;
};

struct Timing {
  std::optional<bool> linearizable;  // nullopt: no verdict (timeout, unknown)
  double ms = 0;
};

struct Row {
  File file;
  std::size_t operations = 0;
  Timing weft;
  double explain_ms = 0;
  double explain_budget_ms = 0;
  bool explanation_complete = true;
  std::optional<Timing> porcupine;  // none: porcupine has no model for it
  // kv files: weft on the problem porcupine's runner solves (see
  // as_porcupine_reads_kv), the like-for-like comparison.
  std::optional<Timing> weft_as_porcupine;
  std::string problem;  // a wrong verdict, named
};

// Porcupine's data: its README's verdicts (tests/lin/porcupine_reference.h).
std::vector<File> porcupine_files(const std::filesystem::path& dir) {
  std::vector<File> out;
  for (const auto& f : weft::lin::porcupine::kEtcdFiles) {
    out.push_back({"porcupine etcd", (dir / "jepsen" / std::string(f.name)).string(), "cas-register",
                   f.linearizable ? Expect::kLinearizable : Expect::kNot});
  }
  for (const auto& f : weft::lin::porcupine::kKvFiles) {
    out.push_back({"porcupine kv", (dir / "kv" / std::string(f.name)).string(), "kv",
                   f.linearizable ? Expect::kLinearizable : Expect::kNot});
  }
  return out;
}

// A generated corpus: manifest.tsv names each file, its model and verdict.
std::vector<File> corpus_files(const std::filesystem::path& dir) {
  std::vector<File> out;
  std::ifstream in(dir / "manifest.tsv");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f = absl::StrSplit(line, '\t');
    if (f.size() < 3) continue;
    const Expect e = f[2] == "linearizable"       ? Expect::kLinearizable
                     : f[2] == "not-linearizable" ? Expect::kNot
                                                  : Expect::kUnknown;
    const std::string kind = f[1] == "cas-register" ? "register" : f[1];
    out.push_back({"generated " + kind, (dir / f[0]).string(), f[1], e});
  }
  return out;
}

// Any other folder: its Jepsen etcd logs (*.log), CAS-register histories of
// unknown verdict (porcupine's, when it decides, is taken as the expected one).
std::vector<File> log_files(const std::filesystem::path& dir) {
  std::filesystem::path name = std::filesystem::absolute(dir).lexically_normal();
  if (!name.has_filename()) name = name.parent_path();  // a trailing slash
  std::vector<File> out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".log") continue;
    out.push_back({name.filename().string(), entry.path().string(), "cas-register", Expect::kUnknown});
  }
  std::sort(out.begin(), out.end(), [](const File& a, const File& b) { return a.path < b.path; });
  return out;
}

// Runs porcupine's runner on one file `copies` times (in one process) and
// returns the mean check time; no verdict when it ran out of time.
Timing run_porcupine(const std::string& runner, const File& file, int copies, absl::Duration timeout) {
  std::string command = absl::StrFormat("timeout --signal=KILL %.3f %s %s", absl::ToDoubleSeconds(timeout), runner,
                                        file.model == "kv" ? "kv" : "etcd");
  for (int i = 0; i < copies; ++i) absl::StrAppend(&command, " '", file.path, "'");
  absl::StrAppend(&command, " 2>/dev/null");
  Timing t;
  t.ms = absl::ToDoubleMilliseconds(timeout);
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return t;
  std::string output;
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  const int status = pclose(pipe);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return t;
  double total = 0;
  int runs = 0;
  std::optional<bool> verdict;
  for (absl::string_view line : absl::StrSplit(output, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> f = absl::StrSplit(line, '\t');
    double ms = 0;
    if (f.size() != 3 || f[0] == "TOTAL" || !absl::SimpleAtod(f[2], &ms)) continue;
    verdict = f[1] == "true";
    total += ms;
    ++runs;
  }
  if (runs != copies) return t;
  t.linearizable = verdict;
  t.ms = total / runs;
  return t;
}

// A kv history as porcupine's runner reads it: it has no pattern for
// `:info` (or `:fail`) lines and completes every call still open at the end
// of the log with an empty `:ok` after the last event. So for porcupine an
// unknown-outcome write did take effect, some time before the end (and an
// unknown get read ""), where weft lets it also never have happened: a
// larger search.
weft::lin::RawHistory as_porcupine_reads_kv(weft::lin::RawHistory h) {
  weft::lin::Time end = 0;
  for (const auto& op : h.operations) {
    end = std::max(end, op.call);
    if (op.ret != weft::lin::kEndOfTime) end = std::max(end, op.ret);
  }
  for (auto& op : h.operations) {
    if (op.outcome == weft::lin::Outcome::kOk) continue;
    op.outcome = weft::lin::Outcome::kOk;
    op.ret = end + 1;
    op.output = op.function == "get" ? boost::json::value("") : boost::json::value(nullptr);
  }
  return h;
}

// weft's check time (the mean of repeats while under --repeat_under) and verdict.
absl::StatusOr<std::pair<Timing, weft::lin::Verdict>> time_weft(const File& file, const weft::lin::RawHistory& raw,
                                                                const weft::lin::CheckOptions& options) {
  const double repeat_under = absl::ToDoubleMilliseconds(absl::GetFlag(FLAGS_repeat_under));
  int runs = 0;
  double total = 0;
  weft::lin::Verdict verdict = weft::lin::Verdict::kUnknown;
  do {
    // The check's own time, as porcupine's runner times CheckEvents: not
    // decoding the file's values into the model's operations.
    auto checked = weft::lin::check_raw(file.model, raw, options);
    if (!checked.ok()) return checked.status();
    total += absl::ToDoubleMilliseconds(checked->result.stats.elapsed);
    ++runs;
    verdict = checked->result.verdict;
  } while (total < repeat_under && runs < 50);
  Timing t;
  t.ms = total / runs;
  if (verdict != weft::lin::Verdict::kUnknown) t.linearizable = verdict == weft::lin::Verdict::kLinearizable;
  return std::make_pair(t, verdict);
}

Row measure(const File& file, const std::string& runner) {
  Row row;
  row.file = file;
  auto raw = weft::lin::read_history_file(file.path);
  if (!raw.ok()) {
    row.problem = std::string(raw.status().message());
    return row;
  }
  row.operations = raw->operations.size();
  const double repeat_under = absl::ToDoubleMilliseconds(absl::GetFlag(FLAGS_repeat_under));
  weft::lin::CheckOptions options;
  options.explain = false;
  options.time_limit = absl::GetFlag(FLAGS_time_limit);
  auto timed = time_weft(file, *raw, options);
  if (!timed.ok()) {
    row.problem = std::string(timed.status().message());
    return row;
  }
  row.weft = timed->first;
  const weft::lin::Verdict verdict = timed->second;
  if (file.model == "kv" && !runner.empty()) {
    auto as_porcupine = time_weft(file, as_porcupine_reads_kv(*raw), options);
    if (as_porcupine.ok()) row.weft_as_porcupine = as_porcupine->first;
  }

  // The explanation, as `weft lincheck` computes it (default budget).
  if (verdict == weft::lin::Verdict::kNotLinearizable) {
    options.explain = true;
    auto checked = weft::lin::check_raw(file.model, *raw, options);
    if (checked.ok()) {
      const auto& r = checked->result;
      row.explain_ms = absl::ToDoubleMilliseconds(r.stats.explain_elapsed);
      row.explain_budget_ms = std::max(100.0, absl::ToDoubleMilliseconds(r.stats.elapsed));
      row.explanation_complete = r.core_is_minimal && r.prefix_is_longest;
    }
  }

  if (!runner.empty() && file.model != "queue") {
    const absl::Duration timeout = absl::GetFlag(FLAGS_porcupine_timeout);
    Timing p = run_porcupine(runner, file, 1, timeout);
    if (p.linearizable && p.ms < repeat_under) {
      const int copies = static_cast<int>(std::clamp(repeat_under / std::max(p.ms, 0.01), 2.0, 50.0));
      Timing again = run_porcupine(runner, file, copies, timeout);
      if (again.linearizable) p = again;
    }
    row.porcupine = p;
  }

  // A verdict that contradicts the expected one, or the other tool's.
  auto check_against = [&](const std::optional<bool>& got, const char* who) {
    if (!got) return;
    std::optional<bool> want;
    if (file.expected != Expect::kUnknown) want = file.expected == Expect::kLinearizable;
    if (!want && who[0] == 'w' && row.porcupine && row.porcupine->linearizable) want = row.porcupine->linearizable;
    if (want && *want != *got) {
      absl::StrAppend(&row.problem, row.problem.empty() ? "" : "; ", who, " says ",
                      *got ? "linearizable" : "not linearizable");
    }
  };
  check_against(row.weft.linearizable, "weft");
  if (row.porcupine) check_against(row.porcupine->linearizable, "porcupine");
  // On porcupine's reading of a kv file both solve one problem: the verdicts must agree.
  if (row.weft_as_porcupine && row.weft_as_porcupine->linearizable && row.porcupine && row.porcupine->linearizable &&
      *row.weft_as_porcupine->linearizable != *row.porcupine->linearizable) {
    absl::StrAppend(&row.problem, row.problem.empty() ? "" : "; ", "on porcupine's reading weft says ",
                    *row.weft_as_porcupine->linearizable ? "linearizable" : "not linearizable", ", porcupine not");
  }
  return row;
}

std::string verdict_text(const std::optional<bool>& v) { return !v ? "unknown" : *v ? "yes" : "NO"; }

struct Tier {
  int files = 0, weft_unknown = 0, porcupine_timeouts = 0, wrong = 0, explanations = 0, explanations_over = 0,
      explanations_cut = 0, unknown_where_porcupine_fast = 0;
  double weft_ms = 0, porcupine_ms = 0, worst_explain_ratio = 0;
  double weft_ms_compared = 0;                   // on the files porcupine ran on too (it has no queue model)
  double worst_ratio = 0, worst_ratio_10ms = 0;  // weft time / porcupine time
  std::string worst_file, worst_file_10ms;
  bool compared = false;
  // weft on porcupine's reading of kv files (Row::weft_as_porcupine), against porcupine.
  int like_files = 0, like_unknown = 0;
  double like_weft_ms = 0, like_porcupine_ms = 0, like_worst_ratio_10ms = 0;
  std::string like_worst_file_10ms;
};

void add(Tier& t, const Row& r) {
  ++t.files;
  t.weft_ms += r.weft.ms;
  t.weft_unknown += !r.weft.linearizable.has_value();
  t.wrong += !r.problem.empty();
  if (r.explain_budget_ms > 0) {
    ++t.explanations;
    t.worst_explain_ratio = std::max(t.worst_explain_ratio, r.explain_ms / r.explain_budget_ms);
    // 10% over is the granularity of the deadline checks, not a miss.
    t.explanations_over += r.explain_ms > 1.1 * r.explain_budget_ms;
    t.explanations_cut += !r.explanation_complete;
  }
  if (!r.porcupine) return;
  if (r.weft_as_porcupine) {
    ++t.like_files;
    t.like_weft_ms += r.weft_as_porcupine->ms;
    t.like_porcupine_ms += r.porcupine->ms;
    t.like_unknown += !r.weft_as_porcupine->linearizable.has_value();
    const double ratio = r.weft_as_porcupine->ms / std::max(r.porcupine->ms, 0.001);
    if (r.porcupine->linearizable && r.porcupine->ms >= 10 && ratio > t.like_worst_ratio_10ms) {
      t.like_worst_ratio_10ms = ratio;
      t.like_worst_file_10ms = std::filesystem::path(r.file.path).filename().string();
    }
  }
  t.compared = true;
  t.porcupine_ms += r.porcupine->ms;
  t.weft_ms_compared += r.weft.ms;
  if (!r.porcupine->linearizable) {
    ++t.porcupine_timeouts;
    return;
  }
  if (!r.weft.linearizable && r.porcupine->ms <= 1000) ++t.unknown_where_porcupine_fast;
  const double ratio = r.weft.ms / std::max(r.porcupine->ms, 0.001);
  const std::string name = std::filesystem::path(r.file.path).filename().string();
  if (ratio > t.worst_ratio) {
    t.worst_ratio = ratio;
    t.worst_file = name;
  }
  if (r.porcupine->ms >= 10 && ratio > t.worst_ratio_10ms) {
    t.worst_ratio_10ms = ratio;
    t.worst_file_10ms = name;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Bad arguments exit 2 with a message (absl::ParseCommandLine would exit 1).
  auto args = weft::tool::parse_flag_args({argv + 1, argv + argc},
                                          {"porcupine", "porcupine_timeout", "time_limit", "repeat_under"});
  const char* usage =
      "usage: weft_lin_compare [--porcupine=RUNNER] [--porcupine_timeout=D] [--time_limit=D] [--repeat_under=D] "
      "DIR... (porcupine's data, a corpus or a folder of etcd logs)\n";
  if (!args.ok()) {
    std::fprintf(stderr, "weft_lin_compare: %s\n%s", std::string(args.status().message()).c_str(), usage);
    return 2;
  }
  if (args->empty()) {
    std::fprintf(stderr, "weft_lin_compare: no folder given\n%s", usage);
    return 2;
  }
  for (const char* flag : {"porcupine_timeout", "time_limit"}) {
    const absl::Duration d = flag[0] == 'p' ? absl::GetFlag(FLAGS_porcupine_timeout) : absl::GetFlag(FLAGS_time_limit);
    if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) {
      std::fprintf(stderr, "weft_lin_compare: --%s must be a positive finite duration, e.g. 10s\n", flag);
      return 2;
    }
  }
  const std::string runner = absl::GetFlag(FLAGS_porcupine);
  if (!runner.empty() && !std::filesystem::is_regular_file(runner)) {
    std::fprintf(stderr, "weft_lin_compare: --porcupine=%s: no such program (build it with compare_porcupine.sh)\n",
                 runner.c_str());
    return 2;
  }
  std::vector<File> files;
  for (const std::string& arg : *args) {
    const std::filesystem::path dir = arg;
    if (std::filesystem::is_directory(dir / "jepsen") && std::filesystem::is_directory(dir / "kv")) {
      auto more = porcupine_files(dir);
      files.insert(files.end(), more.begin(), more.end());
    } else if (std::filesystem::exists(dir / "manifest.tsv")) {
      auto more = corpus_files(dir);
      files.insert(files.end(), more.begin(), more.end());
    } else if (auto more = std::filesystem::is_directory(dir) ? log_files(dir) : std::vector<File>{}; !more.empty()) {
      files.insert(files.end(), more.begin(), more.end());
    } else {
      std::fprintf(stderr,
                   "weft_lin_compare: %s is neither porcupine's data (jepsen/, kv/), a corpus (manifest.tsv) nor a "
                   "folder of etcd logs (*.log)\n",
                   dir.c_str());
      return 2;
    }
  }
  // weft_pk_ms: weft on porcupine's reading of a kv file (as_porcupine_reads_kv).
  std::printf("%-18s %-58s %5s %-8s %10s %-8s %10s %9s %10s %10s %s\n", "tier", "file", "ops", "weft", "weft_ms",
              "porc", "porc_ms", "porc/weft", "weft_pk_ms", "explain_ms", "note");
  std::map<std::string, Tier> tiers;
  std::vector<std::string> order;
  Tier all_generated;
  int wrong = 0;
  for (const File& file : files) {
    const Row r = measure(file, runner);
    if (!tiers.count(file.tier)) order.push_back(file.tier);
    add(tiers[file.tier], r);
    if (file.tier.rfind("generated", 0) == 0) add(all_generated, r);
    wrong += !r.problem.empty();
    std::string note = r.problem.empty() ? "" : "WRONG: " + r.problem;
    if (r.explain_budget_ms > 0 && !r.explanation_complete) note += note.empty() ? "explanation cut" : "; cut";
    std::printf(
        "%-18s %-58s %5zu %-8s %10.3f %-8s %10s %9s %10s %10s %s\n", file.tier.c_str(),
        std::filesystem::path(file.path).filename().c_str(), r.operations, verdict_text(r.weft.linearizable).c_str(),
        r.weft.ms, r.porcupine ? verdict_text(r.porcupine->linearizable).c_str() : "-",
        r.porcupine ? absl::StrFormat("%s%.3f", r.porcupine->linearizable ? "" : ">", r.porcupine->ms).c_str() : "-",
        r.porcupine && r.porcupine->linearizable ? absl::StrFormat("%.1f", r.porcupine->ms / r.weft.ms).c_str() : "-",
        r.weft_as_porcupine
            ? absl::StrFormat("%s%.3f", r.weft_as_porcupine->linearizable ? "" : ">", r.weft_as_porcupine->ms).c_str()
            : "-",
        r.explain_budget_ms > 0 ? absl::StrFormat("%.2f", r.explain_ms).c_str() : "-", note.c_str());
    std::fflush(stdout);
  }

  std::printf(
      "\n| tier | files | weft total | porcupine total | speedup (files both checked) | weft unknown | porcupine timed "
      "out | "
      "worst weft/porcupine (porcupine >= 10 ms) | worst weft/porcupine (any) | explanations over budget |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---|---|---:|\n");
  auto print_tier = [](const std::string& name, const Tier& t) {
    const bool c = t.compared;
    std::printf(
        "| %s | %d | %.1f ms | %s | %s | %d | %s | %s | %s | %d of %d |\n", name.c_str(), t.files, t.weft_ms,
        c ? absl::StrFormat("%s%.1f ms", t.porcupine_timeouts ? ">= " : "", t.porcupine_ms).c_str() : "-",
        c ? absl::StrFormat("%s%.1fx", t.porcupine_timeouts ? ">= " : "", t.porcupine_ms / t.weft_ms_compared).c_str()
          : "-",
        t.weft_unknown, c ? absl::StrCat(t.porcupine_timeouts).c_str() : "-",
        c && !t.worst_file_10ms.empty() ? absl::StrFormat("%.3f (%s)", t.worst_ratio_10ms, t.worst_file_10ms).c_str()
                                        : "-",
        c && !t.worst_file.empty() ? absl::StrFormat("%.3f (%s)", t.worst_ratio, t.worst_file).c_str() : "-",
        t.explanations_over, t.explanations);
  };
  for (const std::string& name : order) print_tier(name, tiers[name]);
  if (all_generated.files > 0) print_tier("all generated", all_generated);

  std::printf(
      "\nkv like for like: weft on porcupine's reading of the kv files (unknown-outcome calls completed at the end, "
      "as porcupine's runner does)\n\n");
  std::printf(
      "| tier | files | weft total | porcupine total | speedup | weft unknown | worst weft/porcupine (porcupine >= 10 "
      "ms) |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---|\n");
  for (const std::string& name : order) {
    const Tier& t = tiers[name];
    if (t.like_files == 0) continue;
    std::printf("| %s | %d | %.1f ms | %s%.1f ms | %s%.1fx | %d | %s |\n", name.c_str(), t.like_files, t.like_weft_ms,
                t.porcupine_timeouts ? ">= " : "", t.like_porcupine_ms, t.porcupine_timeouts ? ">= " : "",
                t.like_porcupine_ms / t.like_weft_ms, t.like_unknown,
                t.like_worst_file_10ms.empty()
                    ? "-"
                    : absl::StrFormat("%.3f (%s)", t.like_worst_ratio_10ms, t.like_worst_file_10ms).c_str());
  }

  std::printf("\nTargets (issue 12), over the generated corpus:\n");
  std::printf("  unknown where porcupine decided within 1 s: %d (target 0)\n",
              all_generated.unknown_where_porcupine_fast);
  std::printf("  worst weft/porcupine time where porcupine needs >= 10 ms: %.3f (target <= 2)\n",
              all_generated.worst_ratio_10ms);
  std::printf("  total on the files both checked: porcupine %s%.1f ms, weft %.1f ms: %s%.1fx (target >= 10x)\n",
              all_generated.porcupine_timeouts ? ">= " : "", all_generated.porcupine_ms, all_generated.weft_ms_compared,
              all_generated.porcupine_timeouts ? ">= " : "",
              all_generated.porcupine_ms / all_generated.weft_ms_compared);
  int over = 0, explained = 0, cut = 0;
  double worst_explain = 0;
  for (const auto& [name, t] : tiers) {
    over += t.explanations_over;
    explained += t.explanations;
    cut += t.explanations_cut;
    worst_explain = std::max(worst_explain, t.worst_explain_ratio);
  }
  std::printf("  explanations over their budget (all tiers): %d of %d, worst %.2fx the budget; %d stopped early\n",
              over, explained, worst_explain, cut);
  std::printf("wrong verdicts: %d\n", wrong);
  return wrong == 0 ? 0 : 1;
}
