#include "weft/runtime/stall_watchdog.h"

#include <execinfo.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "weft/explore.h"
#include "weft/report/symbolize.h"
#include "weft/runtime/execution.h"

namespace weft::detail {
namespace {

// The stuck thread's answer to the watchdog's signal, filled in by the handler
// on that thread: its native stack and the weft thread it was running.
constexpr int kMaxFrames = 48;
constexpr int kStackSignal = SIGURG;  // ignored by default: harmless if it arrives late
void* captured_frames[kMaxFrames];
int captured_count = 0;
int captured_thread = -1;
void* interrupted_pc = nullptr;  // where the signal found the thread
const Execution* captured_execution = nullptr;
std::atomic<bool> captured{false};

void capture_stack(int, siginfo_t*, void* context) {
  captured_count = backtrace(captured_frames, kMaxFrames);
#if defined(__x86_64__)
  interrupted_pc = reinterpret_cast<void*>(static_cast<ucontext_t*>(context)->uc_mcontext.gregs[REG_RIP]);
#elif defined(__aarch64__)
  interrupted_pc = reinterpret_cast<void*>(static_cast<ucontext_t*>(context)->uc_mcontext.pc);
#else
  (void)context;
#endif
  captured_thread = captured_execution != nullptr ? static_cast<int>(captured_execution->current()) : -1;
  captured.store(true, std::memory_order_release);
}

// A frame's function name without glibc's internal prefixes
// ("__GI___libc_read" -> "read").
absl::string_view bare(absl::string_view name) {
  for (;;) {
    if (absl::ConsumePrefix(&name, "__GI_") || absl::ConsumePrefix(&name, "__libc_") ||
        absl::ConsumePrefix(&name, "_")) {
      continue;
    }
    return name;
  }
}

// What the stuck thread waits for, from the functions on its stack.
std::string likely_cause(const std::vector<std::string>& functions) {
  auto any = [&](std::initializer_list<absl::string_view> exact, absl::string_view part = {}) {
    for (const std::string& f : functions) {
      const absl::string_view b = bare(f);
      for (absl::string_view e : exact) {
        if (b == e) return true;
      }
      if (!part.empty() && absl::StrContains(f, part)) return true;
    }
    return false;
  };
  if (any({"pthread_mutex_lock", "lll_mutex_lock_optimized", "lll_lock_wait", "pthread_rwlock_rdlock",
           "pthread_rwlock_wrlock", "pthread_spin_lock"},
          "std::mutex::lock")) {
    return "a real lock (std::mutex or a pthread lock) held by another weft thread, which cannot run while this one "
           "blocks the only OS thread: use weft::mutex";
  }
  if (any({"pthread_cond_wait", "pthread_cond_timedwait", "pthread_cond_clockwait", "sem_wait", "sem_timedwait",
           "pthread_join"},
          "std::condition_variable::wait")) {
    return "a real blocking primitive (std::condition_variable, a semaphore, std::thread::join): use weft's";
  }
  if (any({"read", "write", "recv", "recvfrom", "recvmsg", "send", "poll", "ppoll", "select", "pselect", "accept",
           "accept4", "connect", "epoll_wait", "nanosleep", "clock_nanosleep", "sleep", "usleep"})) {
    return "blocking I/O or a real sleep: weft cannot run other threads meanwhile; use weft::this_thread::sleep_for "
           "or move the I/O out of the body";
  }
  return "a loop that never reaches a scheduling point, e.g. spinning on a plain std::atomic or variable that "
         "another weft thread would set: use weft::atomic (or call weft::this_thread::yield() in the loop)";
}

}  // namespace

// The process's monitor thread and the watchdogs it checks. Never destroyed
// (explorations may run during static destruction); a forked child gets its
// own, since the parent's thread does not exist there.
class StallMonitor {
 public:
  static StallMonitor& get() {
    static std::atomic<StallMonitor*> instance{nullptr};
    static std::atomic<pid_t> owner{0};
    static std::mutex creating;
    std::lock_guard<std::mutex> lock(creating);
    if (instance.load() == nullptr || owner.load() != getpid()) {
      instance.store(new StallMonitor);  // a parent's monitor, if any, is left behind
      owner.store(getpid());
    }
    return *instance.load();
  }

  void add(StallWatchdog* w) {
    std::unique_lock<std::mutex> lock(mutex_);
    w->seen_ = w->generation_.load(std::memory_order_acquire);
    w->since_ = std::chrono::steady_clock::now();
    watched_.push_back(w);
    if (!started_) {
      // Started and running before the first exploration maps anything: the
      // thread's own mappings (stack, a sanitizer's per-thread state) come
      // first, the same in every run.
      started_ = true;
      std::thread([this] { run(); }).detach();
      wake_.wait(lock, [this] { return running_; });
    }
    wake_.notify_all();
  }

  void remove(StallWatchdog* w) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::erase(watched_, w);
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    running_ = true;
    wake_.notify_all();
    for (;;) {
      if (watched_.empty()) {
        wake_.wait(lock);
        continue;
      }
      // Checked a few times per timeout: a stall is reported between 1 and
      // 1.25 timeouts after its execution started.
      std::chrono::milliseconds period = std::chrono::hours(1);
      for (const StallWatchdog* w : watched_) period = std::min(period, w->timeout_ / 4);
      wake_.wait_for(lock, std::max(period, std::chrono::milliseconds(1)));
      const auto now = std::chrono::steady_clock::now();
      for (StallWatchdog* w : watched_) w->check(now);
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<StallWatchdog*> watched_;
  bool started_ = false;
  bool running_ = false;
};

StallWatchdog::StallWatchdog(std::chrono::milliseconds timeout, const Execution* execution, ExecutionObserver* observer)
    : timeout_(timeout),
      execution_(execution),
      observer_(observer),
      watching_(timeout.count() > 0),
      explorer_thread_(pthread_self()) {
  if (watching_) StallMonitor::get().add(this);
}

StallWatchdog::~StallWatchdog() {
  if (watching_) StallMonitor::get().remove(this);
}

void StallWatchdog::update_token(std::string_view prefix, std::string_view suffix, std::string_view given_token) {
  std::lock_guard<std::mutex> lock(mutex_);
  prefix_ = prefix;
  suffix_ = suffix;
  given_token_ = given_token;
}

void StallWatchdog::check(std::chrono::steady_clock::time_point now) {
  const uint64_t generation = generation_.load(std::memory_order_acquire);
  if (generation != seen_) {
    seen_ = generation;
    since_ = now;
  } else if (generation % 2 == 1 && now - since_ >= timeout_) {
    report_stall();
  }
}

void StallWatchdog::report_stall() {
  // Take the stuck thread's native stack: a signal runs capture_stack on it.
  backtrace(captured_frames, 1);  // loads the unwinder outside the handler
  captured_execution = execution_;
  struct sigaction action {};
  action.sa_sigaction = capture_stack;
  action.sa_flags = SA_SIGINFO;
  sigemptyset(&action.sa_mask);
  sigaction(kStackSignal, &action, nullptr);
  pthread_kill(explorer_thread_, kStackSignal);
  for (int i = 0; i < 200 && !captured.load(std::memory_order_acquire); ++i) usleep(10 * 1000);

  std::string token;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    token =
        !given_token_.empty() ? given_token_ : absl::StrCat(prefix_, index_.load(std::memory_order_relaxed), suffix_);
  }
  std::vector<std::string> frames;
  std::vector<std::string> functions;
  if (captured.load(std::memory_order_acquire)) {
    char** symbols = backtrace_symbols(captured_frames, captured_count);
    std::vector<SourcePosition> where =
        symbolize(std::span<const void* const>(const_cast<const void* const*>(captured_frames), captured_count));
    // The stack starts where the signal interrupted the thread; the frames
    // above it are the handler's (and a sanitizer's wrapper, and the signal
    // trampoline).
    int first = std::min(2, captured_count);
    for (int i = 0; i < captured_count; ++i) {
      if (captured_frames[i] == interrupted_pc) {
        first = i;
        break;
      }
    }
    for (int i = first; i < captured_count; ++i) {
      std::string line = absl::StrCat("    #", i - first, " ");
      // backtrace_symbols: "object(function+0x1f) [0x...]".
      if (symbols != nullptr) {
        const absl::string_view s = symbols[i];
        const size_t open = s.find('('), plus = s.find('+', open);
        if (open != absl::string_view::npos && plus != absl::string_view::npos && plus > open + 1) {
          functions.emplace_back(s.substr(open + 1, plus - open - 1));
        }
      }
      if (!where[i].function.empty()) functions.push_back(where[i].function);
      if (where[i].known()) {
        absl::StrAppend(&line, where[i].function, " at ", where[i].file, ":", where[i].line);
      } else {
        absl::StrAppend(&line, symbols != nullptr ? symbols[i] : "??");
      }
      frames.push_back(std::move(line));
    }
    std::free(symbols);
  }
  std::string report = absl::StrCat(
      "weft: execution stalled outside weft's control: execution ", index_.load(std::memory_order_relaxed),
      " has run for ", absl::FormatDuration(absl::FromChrono(timeout_)), " without finishing (Options::stall_timeout)",
      captured_thread >= 0 ? absl::StrCat(", in weft thread ", captured_thread) : "",
      ".\n  likely cause: ", likely_cause(functions), "\n");
  if (frames.empty()) {
    absl::StrAppend(&report, "  the stuck OS thread did not answer the signal for its stack\n");
  } else {
    absl::StrAppend(&report, "  native stack of the stuck thread:\n");
    for (const std::string& f : frames) absl::StrAppend(&report, f, "\n");
  }
  absl::StrAppend(&report, "  token: ", token, " (replays the execution up to the stall)\n");
  std::fputs(report.c_str(), stderr);
  std::fflush(stderr);
  if (observer_ != nullptr) observer_->stalled(report, token);
  std::fflush(nullptr);
  _exit(1);
}

}  // namespace weft::detail
