// One worker: a WEFT_TEST binary started in worker mode (docs/cli.md, "The
// worker protocol"), with its request and reply pipes, its in-flight page and
// the tail of what it printed. The runner polls reply_fd() and log_fd().
//
//   absl::StatusOr<std::unique_ptr<WorkerProcess>> w = WorkerProcess::start("build/examples/bank_test");
//   if (!w.ok()) { std::cerr << w.status().message(); return kBadInput; }
//   (*w)->send({{"op", "list"}});
//   absl::StatusOr<boost::json::object> tests = (*w)->receive(std::chrono::seconds(30));
#pragma once

#include <sys/types.h>

#include <boost/json.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "weft/gtest/worker_protocol.h"

namespace weft::tool {

class WorkerProcess {
 public:
  // Starts `binary` as a worker and waits for its hello: a missing file, a
  // program that is no weft test binary and one built with another protocol
  // version each give an InvalidArgument status that says how to fix it.
  static absl::StatusOr<std::unique_ptr<WorkerProcess>> start(const std::string& binary);
  ~WorkerProcess();  // kills the worker if it still runs

  absl::Status send(const boost::json::object& request);
  // Blocks until one reply arrives (or the worker dies, or `timeout`).
  absl::StatusOr<boost::json::object> receive(std::chrono::milliseconds timeout);
  // Reads what is available without blocking: complete replies go to the
  // queue (next_reply()), output to the log. False once the worker closed
  // its reply pipe (it exited or died).
  bool pump();
  std::optional<boost::json::object> next_reply();

  int reply_fd() const { return reply_fd_; }
  int log_fd() const { return log_fd_; }
  pid_t pid() const { return pid_; }
  const worker::InFlightPage& page() const { return *page_; }
  // The seed token of the execution in flight (or last run).
  std::string token_in_flight() const;
  // What the worker printed lately (its stderr and stdout), at most a few KiB.
  const std::string& log_tail() const { return log_; }

  void kill();
  // Waits for the worker to exit; "exited with code 1", "killed by signal 11 (Segmentation fault)".
  std::string wait_for_exit();
  // The signal that ended it, or 0.
  int exit_signal() const { return exit_signal_; }

 private:
  WorkerProcess() = default;
  absl::Status spawn(const std::string& binary);
  void read_log();

  pid_t pid_ = -1;
  int request_fd_ = -1;
  int reply_fd_ = -1;
  int log_fd_ = -1;
  worker::InFlightPage* page_ = nullptr;
  std::string pending_;  // a reply line not complete yet
  std::deque<boost::json::object> replies_;
  std::string log_;
  bool reaped_ = false;
  int exit_signal_ = 0;
  std::string exit_text_;
};

}  // namespace weft::tool
