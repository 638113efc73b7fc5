// The bug-finding table: every strategy against every registered buggy
// program (the hard-bug corpus in bench/bugs/corpus/ and the examples), over
// a list of seeds with a budget of executions each: how many seeds found the
// bug and how many executions the first find took. Then every fixed twin
// under every strategy: any report is a false positive. Then the default
// portfolio's candidates, estimated from the same runs (see
// portfolio_candidates below).
//
// Jobs run in --jobs worker processes (fork; weft explores one execution at
// a time per process, and its crash handler is process-wide), which share
// a results array in shared memory.
//
//   weft_bug_table                                  # the full table, to stdout
//   weft_bug_table --fixed_executions=10000 --programs=corpus/
//   weft_bug_table --markdown=docs/bug-finding.md --svg=docs/bug-finding.svg
//
// bench/bugs/bug_table.sh builds it and writes docs/bug-finding.md.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "bugs/program.h"
#include "svg_plot.h"
#include "weft/explore.h"

ABSL_FLAG(int, seeds, 20, "seeds per (strategy, buggy program)");
ABSL_FLAG(int64_t, budget, 10000, "executions per seed before a buggy program counts as not found");
ABSL_FLAG(int64_t, fixed_executions, 100000, "executions of each fixed twin per strategy (0: skip the fixed twins)");
ABSL_FLAG(std::string, strategies, "random,pct:1,pct:2,pct:3,pos,surw,fuzz,portfolio", "comma-separated strategies");
ABSL_FLAG(std::string, programs, "", "comma-separated name prefixes to run (default: every program)");
ABSL_FLAG(int, jobs, 2, "worker processes");
ABSL_FLAG(std::string, markdown, "",
          "write the tables into this markdown file (between its generated-section markers)");
ABSL_FLAG(std::string, svg, "", "write the plot to this SVG file");
ABSL_FLAG(int64_t, exhaustive_budget, 20000,
          "executions of dfs:1..3 per fixed twin, and of dfs:3 per buggy program, each with and without DPOR "
          "(0: skip the exhaustive search)");

namespace {

using weft_bugs::Program;
using Clock = std::chrono::steady_clock;

constexpr int64_t kFixedChunk = 10000;     // executions per fixed-twin job (one exploration)
constexpr uint64_t kFixedSeedBase = 1000;  // fixed twins use seeds 1000, 1001, ...
constexpr size_t kMessage = 240;

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "weft_bug_table: %s\n", message.c_str());
  std::exit(2);
}

struct Job {
  bool fixed = false;
  int program = 0;
  int strategy = 0;  // index into the strategies, unless `dfs` names one
  uint64_t seed = 0;
  int64_t iterations = 0;
  std::string dfs;  // "dfs:<bound>[:nodpor]": a bounded exhaustive search
};

constexpr int kDfsBounds[] = {1, 2, 3};
// Each bounded search runs without and with partial-order reduction.
constexpr const char* kDporModes[] = {":nodpor", ""};

// Written by a worker, read by the parent: plain data in shared memory.
struct JobResult {
  int done = 0;
  int failed = 0;    // the exploration reported a failure (or a race)
  int expected = 0;  // of one of the program's kinds
  int64_t executions = 0;
  int64_t schedules = 0;  // dfs: distinct schedules
  int64_t classes = 0;    // dfs: distinct Mazurkiewicz traces among them
  int exhausted = 0;      // dfs: every schedule within the bound ran
  int preemptions = -1;   // dfs: of the schedule that found the bug
  double seconds = 0;
  char message[kMessage] = {};
};

JobResult run(const Job& job, const Program& program, const std::string& strategy) {
  weft::Options base;
  base.strategy = strategy;
  base.seed = job.seed;
  base.iterations = static_cast<uint64_t>(job.iterations);
  const weft::Options options = program.options(base);
  const Clock::time_point start = Clock::now();
  const weft::Result r = weft::explore(options, job.fixed ? program.fixed : program.buggy);
  JobResult out;
  out.done = 1;
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.executions = static_cast<int64_t>(r.executions);
  std::string message;
  if (!r.error.ok()) {
    out.failed = 1;
    message = absl::StrCat("error: ", r.error.message());
  } else if (r.failure) {
    out.failed = 1;
    out.expected = program.expected(r.failure->kind) ? 1 : 0;
    message = absl::StrCat(std::string(weft::failure_kind_name(r.failure->kind)), ": ", r.failure->message, " (",
                           r.failure->seed_token, ")");
  } else if (!r.races.empty()) {
    out.failed = 1;
    message = r.races.front().message;
  }
  out.schedules = static_cast<int64_t>(r.schedules);
  out.classes = static_cast<int64_t>(r.classes);
  out.exhausted = r.exhausted ? 1 : 0;
  if (r.failure) (void)std::sscanf(r.search.c_str(), "bug found in a schedule with %d preemption", &out.preemptions);
  std::snprintf(out.message, sizeof out.message, "%s", message.c_str());
  return out;
}

// Runs every job in `workers` forked processes; results land in shared memory.
std::vector<JobResult> run_all(const std::vector<Job>& jobs, const std::vector<Program>& programs,
                               const std::vector<std::string>& strategies, int workers) {
  const size_t bytes = sizeof(std::atomic<size_t>) + jobs.size() * sizeof(JobResult);
  void* shared = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) usage_error("mmap of the results failed");
  auto* next = new (shared) std::atomic<size_t>(0);
  auto* results = reinterpret_cast<JobResult*>(static_cast<char*>(shared) + sizeof(std::atomic<size_t>));
  for (size_t i = 0; i < jobs.size(); ++i) new (&results[i]) JobResult();
  std::vector<pid_t> children;
  for (int w = 0; w < workers; ++w) {
    const pid_t pid = fork();
    if (pid < 0) usage_error("fork failed");
    if (pid == 0) {
      for (size_t i = next->fetch_add(1); i < jobs.size(); i = next->fetch_add(1)) {
        const Job& job = jobs[i];
        results[i] = run(job, programs[job.program], job.dfs.empty() ? strategies[job.strategy] : job.dfs);
      }
      std::fflush(nullptr);
      _exit(0);
    }
    children.push_back(pid);
  }
  size_t reported = 0;
  while (true) {  // progress on stderr, every few seconds
    int status = 0;
    const pid_t done = waitpid(-1, &status, WNOHANG);
    if (done > 0) {
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        usage_error(absl::StrCat("a worker died (status ", status, "): see its output above"));
      }
      children.erase(std::find(children.begin(), children.end(), done));
      if (children.empty()) break;
      continue;
    }
    const size_t taken = std::min(next->load(), jobs.size());
    if (taken >= reported + jobs.size() / 20 || taken == jobs.size()) {
      std::fprintf(stderr, "\r%zu / %zu jobs started", taken, jobs.size());
      reported = taken;
    }
    usleep(200 * 1000);
  }
  std::fprintf(stderr, "\n");
  std::vector<JobResult> out(results, results + jobs.size());
  munmap(shared, bytes);
  return out;
}

// ---- aggregation ---------------------------------------------------------------

struct Cell {
  int seeds = 0;
  int found = 0;                    // with an expected kind
  int wrong = 0;                    // a failure of another kind: a wrong find
  std::vector<int64_t> executions;  // per seed: to the first bug, or -1 when not found
  std::string wrong_message;
  double mean() const {
    double sum = 0;
    int n = 0;
    for (int64_t e : executions) {
      if (e > 0) {
        sum += static_cast<double>(e);
        ++n;
      }
    }
    return n ? sum / n : 0;
  }
};

struct FixedCell {
  int64_t executions = 0;
  int reports = 0;
  std::string message;
};

std::string cell_text(const Cell& c) {
  if (c.found == 0) return absl::StrCat("0/", c.seeds, c.wrong ? absl::StrCat(" (", c.wrong, " wrong)") : "");
  return absl::StrFormat("%d/%d · %s%s", c.found, c.seeds,
                         c.mean() >= 100 ? absl::StrFormat("%.0f", c.mean()) : absl::StrFormat("%.1f", c.mean()),
                         c.wrong ? absl::StrCat(" (", c.wrong, " wrong)") : "");
}

// ---- the default portfolio's candidates -------------------------------------------
//
// A portfolio rotates strategies across executions; each strategy in it
// learns only from its own executions (PCT's k, SURW's profile), so its j-th
// execution in a rotation behaves as its j-th execution alone. The table's
// per-seed samples of each strategy alone therefore give, seed by seed, when
// a rotation would have found the bug: strategy i's n-th execution is the
// rotation's execution m * floor((n-1) / c_i) + (its (n-1) mod c_i -th place) + 1
// (m places, c_i of them i's), and the rotation finds the bug at the
// earliest of these. This estimates every candidate from one run; the chosen
// one is then run for real as "portfolio".

struct Candidate {
  std::vector<int> places;  // strategy index at each place of the rotation
  int distinct = 0;         // strategies in it
  // Over the corpus programs, then over every program: found by every
  // seed, and with a mean within 2x of the best single strategy's.
  int corpus_all_seeds = 0;
  int corpus_within_2x = 0;
  int all_seeds = 0;
  int within_2x = 0;
  double geo_ratio = 0;     // geometric mean of mean / best, over the programs the best finds in every seed
  double worst_corpus = 0;  // the largest mean / best over the corpus programs
  bool meets_targets = false;
  std::string name(const std::vector<std::string>& strategies) const {
    std::vector<std::string> names;
    for (int s : places) names.push_back(strategies[s]);
    return absl::StrJoin(names, ",");
  }
};

// Executions the rotation `places` needs on one seed, or -1.
int64_t rotation_executions(const std::vector<int>& places, const std::vector<const Cell*>& alone, int seed,
                            int64_t budget) {
  const int64_t m = static_cast<int64_t>(places.size());
  int64_t best = -1;
  std::map<int, std::vector<int64_t>> positions;  // strategy -> its places
  for (int64_t p = 0; p < m; ++p) positions[places[p]].push_back(p);
  for (const auto& [strategy, where] : positions) {
    const int64_t n = alone[strategy]->executions[seed];
    if (n <= 0) continue;
    const int64_t c = static_cast<int64_t>(where.size());
    const int64_t at = m * ((n - 1) / c) + where[(n - 1) % c] + 1;
    if (at <= budget && (best < 0 || at < best)) best = at;
  }
  return best;
}

bool is_corpus(const Program& p) { return p.name.rfind("corpus/", 0) == 0; }

// The rule the default is chosen by, fixed before the final data: the
// rotations that meet both targets on every corpus program (every seed finds
// the bug within the budget; the mean is within 2x of the best single
// strategy's); among them, those of two or more strategies (the corpus is
// ours: a default that leans on one strategy is a bet that programs unlike
// it behave alike); then the smallest worst mean / best over the corpus (the
// widest margin under 2x: the estimate is one of 20 seeds); then the lowest
// geometric mean of mean / best over every program; then the fewest places.
std::vector<Candidate> portfolio_candidates(const std::vector<Program>& programs,
                                            const std::vector<std::string>& strategies,
                                            const std::vector<std::vector<Cell>>& cells, int64_t budget,
                                            int max_places) {
  std::vector<int> base;  // strategies that can be part of a rotation
  for (int s = 0; s < static_cast<int>(strategies.size()); ++s) {
    if (strategies[s] != "portfolio") base.push_back(s);
  }
  // Every multiset of base strategies with 1..max_places places, in base
  // order. A rotation that repeats a smaller one (surw,surw; each count a
  // multiple of a common factor) is that one.
  std::vector<std::vector<int>> rotations;
  std::vector<int> current;
  auto reduced = [&] {
    std::map<int, int> counts;
    for (int s : current) ++counts[s];
    int g = 0;
    for (const auto& [s, n] : counts) g = std::gcd(g, n);
    return g == 1;
  };
  auto extend = [&](auto&& self, size_t from) -> void {
    if (!current.empty() && reduced()) rotations.push_back(current);
    if (static_cast<int>(current.size()) == max_places) return;
    for (size_t i = from; i < base.size(); ++i) {
      current.push_back(base[i]);
      self(self, i);
      current.pop_back();
    }
  };
  extend(extend, 0);

  int corpus_programs = 0;
  for (const Program& p : programs) corpus_programs += is_corpus(p);
  std::vector<Candidate> out;
  for (const std::vector<int>& places : rotations) {
    Candidate c;
    c.places = places;
    std::vector<int> unique = places;  // in base order already
    c.distinct = static_cast<int>(std::unique(unique.begin(), unique.end()) - unique.begin());
    double log_sum = 0;
    int counted = 0;
    for (size_t p = 0; p < programs.size(); ++p) {
      std::vector<const Cell*> alone(strategies.size());
      double best = 0;
      for (int s : base) {
        alone[s] = &cells[p][s];
        const Cell& a = cells[p][s];
        if (a.found == a.seeds && (best == 0 || a.mean() < best)) best = a.mean();
      }
      const int seeds = cells[p][base[0]].seeds;
      int found = 0;
      double sum = 0;
      for (int seed = 0; seed < seeds; ++seed) {
        const int64_t e = rotation_executions(places, alone, seed, budget);
        if (e > 0) {
          ++found;
          sum += static_cast<double>(e);
        }
      }
      if (found < seeds) continue;
      ++c.all_seeds;
      c.corpus_all_seeds += is_corpus(programs[p]);
      const double mean = sum / found;
      if (best > 0) {
        const bool within = mean <= 2 * best;
        c.within_2x += within;
        c.corpus_within_2x += within && is_corpus(programs[p]);
        if (is_corpus(programs[p])) c.worst_corpus = std::max(c.worst_corpus, mean / best);
        log_sum += std::log(mean / best);
        ++counted;
      }
    }
    c.geo_ratio = counted ? std::exp(log_sum / counted) : 0;
    c.meets_targets = c.corpus_all_seeds == corpus_programs && c.corpus_within_2x == corpus_programs;
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    if (a.meets_targets != b.meets_targets) return a.meets_targets;
    if (!a.meets_targets && a.corpus_all_seeds + a.corpus_within_2x != b.corpus_all_seeds + b.corpus_within_2x) {
      return a.corpus_all_seeds + a.corpus_within_2x > b.corpus_all_seeds + b.corpus_within_2x;
    }
    if ((a.distinct >= 2) != (b.distinct >= 2)) return a.distinct >= 2;
    if (a.worst_corpus != b.worst_corpus) return a.worst_corpus < b.worst_corpus;
    if (a.geo_ratio != b.geo_ratio) return a.geo_ratio < b.geo_ratio;
    return a.places.size() < b.places.size();
  });
  return out;
}

// ---- output ---------------------------------------------------------------------

std::string markdown_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::string out = absl::StrCat("| ", absl::StrJoin(header, " | "), " |\n|");
  for (size_t i = 0; i < header.size(); ++i) out += i == 0 ? "---|" : "---:|";
  out += "\n";
  for (const auto& row : rows) absl::StrAppend(&out, "| ", absl::StrJoin(row, " | "), " |\n");
  return out;
}

void write_markdown(const std::string& path, const std::string& generated) {
  constexpr const char* kBegin = "<!-- begin generated by bench/bugs/bug_table.sh -->";
  constexpr const char* kEnd = "<!-- end generated -->";
  std::string text;
  {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  const size_t begin = text.find(kBegin);
  const size_t end = text.find(kEnd);
  const std::string block = absl::StrCat(kBegin, "\n", generated, kEnd);
  if (begin != std::string::npos && end != std::string::npos && end > begin) {
    text.replace(begin, end + std::strlen(kEnd) - begin, block);
  } else {
    text = absl::StrCat("# Bug-finding table\n\n", block, "\n");
  }
  std::ofstream out(path);
  out << text;
  if (!out) usage_error(absl::StrCat("could not write ", path));
}

}  // namespace

constexpr const char* kFlags[] = {"seeds",    "budget", "fixed_executions", "strategies", "programs", "jobs",
                                  "markdown", "svg",    "exhaustive_budget"};

// --name=value for the flags above, each parsed by its absl flag; anything
// else stops the program with exit code 2 (absl::ParseCommandLine exits 1).
void parse_flags(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::printf("weft_bug_table: every strategy x every buggy program and fixed twin (docs/bug-finding.md)\n");
      for (const char* name : kFlags) {
        const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
        std::printf("  --%s (default: %s)\n      %s\n", name, flag->DefaultValue().c_str(), flag->Help().c_str());
      }
      std::exit(0);
    }
    if (!absl::StartsWith(arg, "--") || arg.find('=') == absl::string_view::npos) {
      usage_error(absl::StrCat("unexpected argument '", arg, "': flags are --name=value (--help lists them)"));
    }
    const absl::string_view name = arg.substr(2, arg.find('=') - 2);
    const std::string value(arg.substr(arg.find('=') + 1));
    absl::CommandLineFlag* flag = nullptr;
    for (const char* known : kFlags) {
      if (name == known) flag = absl::FindCommandLineFlag(known);
    }
    if (flag == nullptr) usage_error(absl::StrCat("unknown flag --", name, " (--help lists them)"));
    std::string error;
    if (!flag->ParseFrom(value, &error)) usage_error(absl::StrCat("bad value '", value, "' for --", name, ": ", error));
  }
}

int main(int argc, char** argv) {
  parse_flags(argc, argv);
  const int seed_count = absl::GetFlag(FLAGS_seeds);
  const int64_t budget = absl::GetFlag(FLAGS_budget);
  const int64_t fixed_executions = absl::GetFlag(FLAGS_fixed_executions);
  const int workers = absl::GetFlag(FLAGS_jobs);
  if (seed_count < 1) usage_error("--seeds must be at least 1");
  if (budget < 1) usage_error("--budget must be at least 1");
  if (fixed_executions < 0) usage_error("--fixed_executions must not be negative");
  const int64_t exhaustive_budget = absl::GetFlag(FLAGS_exhaustive_budget);
  if (exhaustive_budget < 0) usage_error("--exhaustive_budget must not be negative");
  if (workers < 1 || workers > 64) usage_error("--jobs must be in [1, 64]");
  const std::vector<std::string> strategies =
      absl::StrSplit(absl::GetFlag(FLAGS_strategies), ',', absl::SkipWhitespace());
  if (strategies.empty()) usage_error("--strategies is empty");
  for (const std::string& s : strategies) {
    weft::Options probe;
    probe.strategy = s;
    probe.iterations = 0;
    if (const weft::Result r = weft::explore(probe, [] {}); !r.error.ok()) {
      usage_error(absl::StrCat("--strategies: ", r.error.message()));
    }
  }
  std::vector<Program> programs;
  const std::vector<std::string> prefixes = absl::StrSplit(absl::GetFlag(FLAGS_programs), ',', absl::SkipWhitespace());
  for (const Program& p : weft_bugs::programs()) {
    const bool wanted = prefixes.empty() || std::any_of(prefixes.begin(), prefixes.end(),
                                                        [&](const std::string& x) { return p.name.rfind(x, 0) == 0; });
    if (wanted) programs.push_back(p);
  }
  if (programs.empty()) {
    std::vector<std::string> names;
    for (const Program& p : weft_bugs::programs()) names.push_back(p.name);
    usage_error(absl::StrCat("--programs matches none of: ", absl::StrJoin(names, ", ")));
  }

  std::vector<Job> jobs;
  for (int p = 0; p < static_cast<int>(programs.size()); ++p) {
    for (int s = 0; s < static_cast<int>(strategies.size()); ++s) {
      for (int seed = 1; seed <= seed_count; ++seed) jobs.push_back({false, p, s, static_cast<uint64_t>(seed), budget});
      for (int64_t done = 0, chunk = 0; done < fixed_executions; done += kFixedChunk, ++chunk) {
        jobs.push_back({true, p, s, kFixedSeedBase + static_cast<uint64_t>(chunk),
                        std::min(kFixedChunk, fixed_executions - done)});
      }
    }
  }
  if (exhaustive_budget > 0) {
    for (int p = 0; p < static_cast<int>(programs.size()); ++p) {
      for (int bound : kDfsBounds) {
        for (const char* mode : kDporModes) {
          jobs.push_back({true, p, 0, 0, exhaustive_budget, absl::StrCat("dfs:", bound, mode)});
        }
      }
      for (const char* mode : kDporModes)
        jobs.push_back({false, p, 0, 0, exhaustive_budget, absl::StrCat("dfs:3", mode)});
    }
  }
  const Clock::time_point start = Clock::now();
  const std::vector<JobResult> results = run_all(jobs, programs, strategies, workers);
  const double wall = std::chrono::duration<double>(Clock::now() - start).count();

  std::vector<std::vector<Cell>> cells(programs.size(), std::vector<Cell>(strategies.size()));
  std::vector<std::vector<FixedCell>> fixed(programs.size(), std::vector<FixedCell>(strategies.size()));
  // Bounded exhaustive search: per program, dfs:1..3 on the fixed twin, dfs:3
  // on the buggy one, each without and with DPOR (in job order).
  std::vector<std::vector<JobResult>> exhaustive(programs.size());
  std::vector<std::vector<JobResult>> dfs_buggy(programs.size());
  double cpu = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const Job& j = jobs[i];
    const JobResult& r = results[i];
    cpu += r.seconds;
    if (!j.dfs.empty()) {
      if (j.fixed) {
        exhaustive[j.program].push_back(r);
      } else {
        dfs_buggy[j.program].push_back(r);
      }
      continue;
    }
    if (j.fixed) {
      FixedCell& f = fixed[j.program][j.strategy];
      f.executions += r.executions;
      if (r.failed) {
        ++f.reports;
        if (f.message.empty()) f.message = r.message;
      }
      continue;
    }
    Cell& c = cells[j.program][j.strategy];
    ++c.seeds;
    const bool found = r.failed && r.expected;
    c.found += found;
    if (r.failed && !r.expected) {
      ++c.wrong;
      if (c.wrong_message.empty()) c.wrong_message = r.message;
    }
    c.executions.push_back(found ? r.executions : -1);
  }

  // The tables.
  std::string out;
  std::vector<std::string> header{"program"};
  for (const std::string& s : strategies) header.push_back(s);
  std::vector<std::vector<std::string>> rows;
  for (size_t p = 0; p < programs.size(); ++p) {
    std::vector<std::string> row{absl::StrCat("`", programs[p].name, "`")};
    for (size_t s = 0; s < strategies.size(); ++s) row.push_back(cell_text(cells[p][s]));
    rows.push_back(row);
  }
  absl::StrAppend(&out, "Buggy programs: seeds (of ", seed_count, ") that found the bug within ", budget,
                  " executions · mean executions to the first bug over those seeds.\n\n", markdown_table(header, rows),
                  "\n");
  std::vector<std::string> wrongs;
  for (size_t p = 0; p < programs.size(); ++p) {
    for (size_t s = 0; s < strategies.size(); ++s) {
      if (cells[p][s].wrong) {
        wrongs.push_back(absl::StrCat("- `", programs[p].name, "` under ", strategies[s], ": ", cells[p][s].wrong,
                                      " seed(s) found another failure first, e.g. ", cells[p][s].wrong_message));
      }
    }
  }
  if (!wrongs.empty())
    absl::StrAppend(&out, "Finds of another kind than the program's bug:\n\n", absl::StrJoin(wrongs, "\n"), "\n\n");
  if (fixed_executions > 0) {
    std::vector<std::vector<std::string>> frows;
    int64_t total_reports = 0;
    for (size_t p = 0; p < programs.size(); ++p) {
      std::vector<std::string> row{absl::StrCat("`", programs[p].name, "`")};
      for (size_t s = 0; s < strategies.size(); ++s) {
        const FixedCell& f = fixed[p][s];
        total_reports += f.reports;
        row.push_back(f.reports ? absl::StrCat("**", f.reports, " reports**: ", f.message)
                                : absl::StrCat("0 in ", f.executions));
      }
      frows.push_back(row);
    }
    absl::StrAppend(&out, "Fixed twins: reports (false positives) in the executions run, per strategy (",
                    fixed_executions, " each, as explorations of ", kFixedChunk, " with seeds ", kFixedSeedBase,
                    "...). Total reports: ", total_reports, ".\n\n", markdown_table(header, frows), "\n");
  }

  if (exhaustive_budget > 0) {
    std::vector<std::string> eheader{"program"};
    for (int bound : kDfsBounds) {
      for (const char* mode : kDporModes) {
        eheader.push_back(absl::StrCat("fixed, dfs:", bound, *mode != '\0' ? " no DPOR" : " DPOR"));
      }
    }
    for (const char* mode : kDporModes)
      eheader.push_back(absl::StrCat("buggy, dfs:3", *mode != '\0' ? " no DPOR" : " DPOR"));
    std::vector<std::vector<std::string>> erows;
    for (size_t p = 0; p < programs.size(); ++p) {
      std::vector<std::string> row{absl::StrCat("`", programs[p].name, "`")};
      for (const JobResult& r : exhaustive[p]) {
        if (r.failed) {
          row.push_back(absl::StrCat("**report**: ", r.message));
        } else if (r.exhausted) {
          row.push_back(absl::StrCat(r.schedules, " / ", r.classes, " (", r.executions, ")"));
        } else {
          row.push_back(absl::StrCat("> ", r.schedules, " / ", r.classes, " (budget)"));
        }
      }
      for (const JobResult& b : dfs_buggy[p]) {
        if (b.failed && b.expected) {
          row.push_back(absl::StrCat("found in ", b.executions, ", ", b.preemptions,
                                     b.preemptions == 1 ? " preemption" : " preemptions"));
        } else if (b.failed) {
          row.push_back(absl::StrCat("another failure: ", b.message));
        } else {
          row.push_back(b.exhausted ? "exhausted: not found" : "not found (budget)");
        }
      }
      erows.push_back(row);
    }
    absl::StrAppend(&out,
                    "Bounded exhaustive search (`dfs:K`, iterative preemption bounding) without (`dfs:K:nodpor`) and "
                    "with (`dfs:K`) source-set DPOR. Fixed twins: the distinct schedules run / the Mazurkiewicz "
                    "classes among them, and in parentheses the executions that ran them (each bound's pass re-runs "
                    "lower bounds' schedules); \"> N / M (budget)\" when ",
                    exhaustive_budget,
                    " executions ran out first. Buggy programs: the executions dfs:3 needed to find the bug and the "
                    "preemptions of that schedule (the fewest any schedule needs).\n\n",
                    markdown_table(eheader, erows), "\n");
  }

  // The portfolio.
  const std::vector<Candidate> candidates = portfolio_candidates(programs, strategies, cells, budget, 6);
  if (!candidates.empty()) {
    int corpus_programs = 0;
    for (const Program& p : programs) corpus_programs += is_corpus(p);
    std::vector<std::vector<std::string>> crows;
    for (size_t i = 0; i < std::min<size_t>(candidates.size(), 15); ++i) {
      const Candidate& c = candidates[i];
      crows.push_back({absl::StrCat("`", c.name(strategies), "`"), absl::StrCat(c.distinct),
                       absl::StrCat(c.corpus_all_seeds, "/", corpus_programs),
                       absl::StrCat(c.corpus_within_2x, "/", corpus_programs), absl::StrFormat("%.2f", c.worst_corpus),
                       absl::StrCat(c.all_seeds, "/", programs.size()), absl::StrCat(c.within_2x, "/", programs.size()),
                       absl::StrFormat("%.2f", c.geo_ratio)});
    }
    absl::StrAppend(&out,
                    "Portfolio candidates, estimated from the runs above: every rotation of up to 6 places, each "
                    "strategy's per-seed executions alone placed in the rotation (table.cc explains why that is "
                    "sound). Columns: distinct strategies; corpus programs found by every seed, and within 2x of "
                    "the best single strategy's mean, and the largest mean / best among them; the same over every "
                    "program; geometric mean of mean / best. "
                    "Ranked by the rule fixed in table.cc: meets both targets on the corpus; two or more "
                    "strategies; then the smallest worst mean / best over the corpus; then the lowest geometric "
                    "mean. First: `",
                    candidates.front().name(strategies), "`",
                    candidates.front().meets_targets ? "" : " (no rotation meets both targets)", ".\n\n",
                    markdown_table({"rotation", "distinct", "corpus: all seeds", "corpus: within 2x",
                                    "corpus: worst mean / best", "all seeds", "within 2x", "mean / best"},
                                   crows),
                    "\n");
  }
  absl::StrAppend(&out, absl::StrFormat("Run time: %.0f s wall, %.0f s of explorations in %d worker processes.\n", wall,
                                        cpu, workers));
  std::cout << out;

  const std::string svg_path = absl::GetFlag(FLAGS_svg);
  if (!svg_path.empty()) {
    weft_bugs::PlotData data;
    data.strategies = strategies;
    for (size_t p = 0; p < programs.size(); ++p) {
      data.programs.push_back(programs[p].name);
      std::vector<weft_bugs::PlotCell> row;
      for (size_t s = 0; s < strategies.size(); ++s) {
        row.push_back({cells[p][s].found, cells[p][s].seeds, cells[p][s].mean()});
      }
      data.cells.push_back(row);
    }
    std::ofstream svg(svg_path);
    svg << weft_bugs::plot_svg(data, static_cast<double>(budget));
    if (!svg) usage_error(absl::StrCat("could not write ", svg_path));
  }
  const std::string md_path = absl::GetFlag(FLAGS_markdown);
  if (!md_path.empty()) write_markdown(md_path, out);
  return 0;
}
