#include "worker_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace weft::tool {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr size_t kLogTail = 8192;
// The worker's ends of the channel, as WEFT_WORKER names them.
constexpr int kRequestFd = 3, kReplyFd = 4, kPageFd = 5;

// Variables the runner sets or that would make the worker's GoogleTest do
// something else (its own sharding, XML output).
bool inherited(absl::string_view entry) {
  for (absl::string_view name :
       {"WEFT_WORKER=", "GTEST_FILTER=", "GTEST_TOTAL_SHARDS=", "GTEST_SHARD_INDEX=", "GTEST_SHARD_STATUS_FILE=",
        "TEST_TOTAL_SHARDS=", "TEST_SHARD_INDEX=", "TEST_SHARD_STATUS_FILE=", "GTEST_OUTPUT=", "XML_OUTPUT_FILE="}) {
    if (absl::StartsWith(entry, name)) return false;
  }
  return true;
}

// A descriptor above the ones the child's are dup2'd to, close-on-exec.
int high(int fd) {
  const int moved = fcntl(fd, F_DUPFD_CLOEXEC, 10);
  close(fd);
  return moved;
}

absl::Status errno_status(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<WorkerProcess>> WorkerProcess::start(const std::string& binary) {
  struct stat st {};
  if (stat(binary.c_str(), &st) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        binary, ": no such file; give the path of a test binary built with weft (e.g. build/examples/bank_test)"));
  }
  if (!S_ISREG(st.st_mode) || access(binary.c_str(), X_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(binary, ": not an executable file; give the path of a test binary built with weft"));
  }
  std::unique_ptr<WorkerProcess> w(new WorkerProcess);
  if (absl::Status s = w->spawn(binary); !s.ok()) return s;
  absl::StatusOr<json::object> hello = w->receive(std::chrono::seconds(60));
  const std::string how =
      "weft runs test binaries that link weft::gtest and define WEFT_TESTs (built with this weft's headers)";
  if (!hello.ok()) {
    w->kill();
    return absl::InvalidArgumentError(absl::StrCat(binary, " did not answer as a weft worker (",
                                                   hello.status().message(),
                                                   "): it is not a weft test binary, or it was built with a weft "
                                                   "older than worker protocol ",
                                                   worker::kProtocolVersion, "; ", how));
  }
  const json::value* protocol = hello->if_contains("protocol");
  const json::value* version = hello->if_contains("version");
  if (protocol == nullptr || !protocol->is_string() || protocol->get_string() != worker::kProtocolName ||
      version == nullptr || !version->is_int64()) {
    w->kill();
    return absl::InvalidArgumentError(
        absl::StrCat(binary, " answered something other than weft's worker hello; ", how));
  }
  if (version->get_int64() != worker::kProtocolVersion) {
    w->kill();
    return absl::InvalidArgumentError(absl::StrCat(
        binary, " speaks weft worker protocol ", version->get_int64(), ", this weft speaks ", worker::kProtocolVersion,
        ": rebuild the binary against this weft, or run the weft tool built with it"));
  }
  return w;
}

absl::Status WorkerProcess::spawn(const std::string& binary) {
  int requests[2], replies[2], log[2];
  if (pipe2(requests, O_CLOEXEC) != 0 || pipe2(replies, O_CLOEXEC) != 0 || pipe2(log, O_CLOEXEC) != 0) {
    return errno_status("pipe");
  }
  const int page_fd = memfd_create("weft-in-flight", MFD_CLOEXEC);
  if (page_fd < 0 || ftruncate(page_fd, 4096) != 0) return errno_status("memfd_create");
  void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, page_fd, 0);
  if (page == MAP_FAILED) return errno_status("mmap");
  page_ = static_cast<worker::InFlightPage*>(page);

  const int child_requests = high(requests[0]), child_replies = high(replies[1]), child_log = high(log[1]);
  const int child_page = high(page_fd);
  request_fd_ = high(requests[1]);
  reply_fd_ = high(replies[0]);
  log_fd_ = high(log[0]);
  fcntl(reply_fd_, F_SETFL, O_NONBLOCK);
  fcntl(log_fd_, F_SETFL, O_NONBLOCK);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, child_log, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, child_log, STDERR_FILENO);
  posix_spawn_file_actions_adddup2(&actions, child_requests, kRequestFd);
  posix_spawn_file_actions_adddup2(&actions, child_replies, kReplyFd);
  posix_spawn_file_actions_adddup2(&actions, child_page, kPageFd);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (inherited(*e)) env_strings.emplace_back(*e);
  }
  env_strings.push_back(
      absl::StrCat(worker::kWorkerEnv, "=", worker::kProtocolVersion, ":", kRequestFd, ":", kReplyFd, ":", kPageFd));
  // A binary that does not know the protocol runs none of its tests.
  env_strings.push_back("GTEST_FILTER=-*");
  std::vector<char*> env;
  for (std::string& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  std::string path = binary;
  char* argv[] = {path.data(), nullptr};
  const int error = posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv, env.data());
  posix_spawn_file_actions_destroy(&actions);
  close(child_requests);
  close(child_replies);
  close(child_log);
  close(child_page);
  if (error != 0) {
    pid_ = -1;
    return absl::InvalidArgumentError(absl::StrCat(binary, ": cannot start it: ", std::strerror(error),
                                                   "; give the path of a test binary built with weft"));
  }
  return absl::OkStatus();
}

WorkerProcess::~WorkerProcess() {
  kill();
  if (request_fd_ >= 0) close(request_fd_);
  if (reply_fd_ >= 0) close(reply_fd_);
  if (log_fd_ >= 0) close(log_fd_);
  if (page_ != nullptr) munmap(page_, 4096);
}

absl::Status WorkerProcess::send(const json::object& request) {
  const std::string line = json::serialize(request) + "\n";
  const char* p = line.data();
  size_t n = line.size();
  while (n > 0) {
    const ssize_t w = write(request_fd_, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return absl::UnavailableError("the worker is gone");
    p += w;
    n -= static_cast<size_t>(w);
  }
  return absl::OkStatus();
}

void WorkerProcess::read_log() {
  char buffer[4096];
  ssize_t n;
  while ((n = read(log_fd_, buffer, sizeof buffer)) > 0) {
    log_.append(buffer, static_cast<size_t>(n));
    if (log_.size() > 2 * kLogTail) log_.erase(0, log_.size() - kLogTail);
  }
}

bool WorkerProcess::pump() {
  read_log();
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(reply_fd_, buffer, sizeof buffer);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    pending_.append(buffer, static_cast<size_t>(n));
    size_t start = 0, end;
    while ((end = pending_.find('\n', start)) != std::string::npos) {
      boost::system::error_code error;
      json::value v = json::parse(std::string_view(pending_).substr(start, end - start), error);
      if (!error && v.is_object()) {
        replies_.push_back(std::move(v.get_object()));
      } else {
        replies_.push_back(json::object{{"type", "malformed"}, {"line", pending_.substr(start, end - start)}});
      }
      start = end + 1;
    }
    pending_.erase(0, start);
  }
}

std::optional<json::object> WorkerProcess::next_reply() {
  if (replies_.empty()) return std::nullopt;
  json::object r = std::move(replies_.front());
  replies_.pop_front();
  return r;
}

absl::StatusOr<json::object> WorkerProcess::receive(std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    const bool open = pump();
    if (std::optional<json::object> r = next_reply()) return *std::move(r);
    if (!open) return absl::UnavailableError(absl::StrCat("it ", wait_for_exit()));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return absl::DeadlineExceededError("no answer in time");
    pollfd fds[2] = {{reply_fd_, POLLIN, 0}, {log_fd_, POLLIN, 0}};
    poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
  }
}

std::string WorkerProcess::token_in_flight() const {
  const uint32_t p =
      std::min(page_->prefix_length.load(std::memory_order_acquire), worker::InFlightPage::kPrefixCapacity);
  const uint32_t s =
      std::min(page_->suffix_length.load(std::memory_order_acquire), worker::InFlightPage::kSuffixCapacity);
  if (p == 0) return "";
  return absl::StrCat(absl::string_view(page_->token_prefix, p), page_->index.load(std::memory_order_acquire),
                      absl::string_view(page_->token_suffix, s));
}

void WorkerProcess::kill() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    wait_for_exit();
  }
}

std::string WorkerProcess::wait_for_exit() {
  if (pid_ <= 0) return "never started";
  if (!reaped_) {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    read_log();
    if (WIFSIGNALED(status)) {
      exit_signal_ = WTERMSIG(status);
      exit_text_ = absl::StrCat("was killed by signal ", exit_signal_, " (", strsignal(exit_signal_), ")");
    } else {
      exit_text_ = absl::StrCat("exited with code ", WEXITSTATUS(status));
    }
  }
  return exit_text_;
}

}  // namespace weft::tool
