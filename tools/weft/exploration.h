// Explores the selected WEFT_TESTs of one binary in a pool of workers
// (docs/cli.md): each test's executions are numbered from 0 and handed out in
// slices [first, first + count) of indices, so the union of the slices is
// what one process with the same seed explores, with no overlap. Sharding
// (--shard I/N) takes blocks of kShardBlock indices round-robin. A test stops
// at its first bug; a worker that crashes or stalls costs only the execution
// it ran, which is reported with its seed token and replayed once in a fresh
// worker.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "progress.h"

namespace weft::tool {

inline constexpr uint64_t kShardBlock = 256;

struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
};

struct ExploreSettings {
  std::optional<std::string> strategy;  // else each test's own
  std::optional<uint64_t> seed;
  std::optional<uint64_t> iterations;  // else each test's own, unless `time` is set
  std::chrono::milliseconds time{0};   // for all the tests of the binary together; zero: none
  int jobs = 1;
  Shard shard;
  std::chrono::milliseconds stall_timeout{10000};
  bool keep_going = false;
  bool html = false;  // ask workers for each bug's HTML page
  bool check_determinism = false;
  std::string weft_binary;  // how the replay commands name this tool
};

// A test's (or a bug's) worker-reported data, merged over slices.
struct TestOutcome {
  enum class Status { kPassed, kBug, kCrash, kHang, kNotRun, kError };
  std::string binary;
  std::string test;
  Status status = Status::kNotRun;
  uint64_t executions = 0;
  uint64_t steps = 0;
  absl::flat_hash_set<uint64_t> schedules;
  std::chrono::nanoseconds elapsed{0};
  // A bug: {"failure": weft-failure JSON, "report": text, "html"?: page}.
  std::optional<boost::json::object> bug;
  uint64_t bug_execution = 0;  // the execution index of the bug, crash or hang
  // A crash, a hang or an error: what happened, in words.
  std::string problem;
  std::string token;           // replays the bug, crash or hang
  std::string replay_command;  // `weft replay BIN TEST TOKEN`
};

std::string_view status_name(TestOutcome::Status status);

struct TestInfo {
  std::string name;
  bool disabled = false;
  uint64_t iterations = 0;
};

class WorkerProcess;

// Lists the tests of `binary` (one worker). InvalidArgument when the binary is
// missing or no weft test binary. With `keep`, the worker is handed over
// there for more requests (a process start saved) instead of ending.
absl::StatusOr<std::vector<TestInfo>> list_tests(const std::string& binary,
                                                 std::unique_ptr<WorkerProcess>* keep = nullptr);

// Checks that `binary` has a WEFT_TEST named `test` (through list_tests,
// keeping the worker in *keep): the error says how to see the names.
absl::Status require_test(const std::string& binary, const std::string& test, std::unique_ptr<WorkerProcess>* keep);

// Explores `tests` of `binary`; appends an outcome per test to `out`. Only
// weft's own failures (a worker that breaks the protocol) are errors.
// `first_worker`, when given, is a worker of `binary` ready for requests.
absl::Status explore_binary(const std::string& binary, const std::vector<TestInfo>& tests,
                            const ExploreSettings& settings, Progress& progress, std::vector<TestOutcome>& out,
                            std::unique_ptr<WorkerProcess> first_worker = nullptr);

// The replay command line of `test` in `binary` for `token`.
std::string replay_command(const ExploreSettings& settings, const std::string& binary, const std::string& test,
                           const std::string& token);

}  // namespace weft::tool
