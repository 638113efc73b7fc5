#include "weft/runtime/failure_signals.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "weft/runtime/execution.h"

namespace weft::detail {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
constexpr size_t kNoteCapacity = 2048;

char note_before[kNoteCapacity];
size_t note_before_length = 0;
char note_after[kNoteCapacity];
size_t note_after_length = 0;
Execution* active_execution = nullptr;
struct sigaction previous[sizeof kSignals / sizeof kSignals[0]];
alignas(16) char alternate_stack[64 * 1024];
stack_t previous_stack;
int depth = 0;  // nested explorations share one installation

void write_all(const char* text, size_t n) {
  while (n > 0) {
    const ssize_t w = write(STDERR_FILENO, text, n);
    if (w <= 0) return;
    text += w;
    n -= static_cast<size_t>(w);
  }
}

void write_number(uint64_t n) {
  char digits[24];
  size_t i = sizeof digits;
  do {
    digits[--i] = static_cast<char>('0' + n % 10);
    n /= 10;
  } while (n != 0);
  write_all(digits + i, sizeof digits - i);
}

}  // namespace

void crash_handler(int signal, siginfo_t* info, void* context) {
  (void)context;
  Execution* ex = active_execution;
  if ((signal == SIGSEGV || signal == SIGBUS) && ex != nullptr && ex->is_guard_address(info->si_addr)) {
    ex->on_stack_overflow_signal();  // does not return
  }
  if (FailureSignals::crashes_are_failures_ && ex != nullptr && ex->in_weft_thread()) {
    FailureSignals::crashes_are_failures_ = false;  // once: a second crash ends the process
    ex->on_crash_signal(signal);                    // does not return
  }
  static const char kHead[] = "\nweft: the process is crashing (signal ";
  write_all(kHead, sizeof kHead - 1);
  const char* name = strsignal(signal);
  write_all(name, strlen(name));
  static const char kMid[] = ") while exploring a schedule.\n";
  write_all(kMid, sizeof kMid - 1);
  write_all(note_before, note_before_length);
  write_number(FailureSignals::crash_execution_);
  write_all(note_after, note_after_length);
  // Restore the previous handler and let the signal take its course.
  for (size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) {
    if (kSignals[i] == signal) sigaction(signal, &previous[i], nullptr);
  }
  if (signal == SIGABRT) raise(signal);  // faults re-fault on return
}

FailureSignals::FailureSignals(Execution* execution) {
  active_execution = execution;
  if (depth++ > 0) return;
  stack_t stack{};
  stack.ss_sp = alternate_stack;
  stack.ss_size = sizeof alternate_stack;
  sigaltstack(&stack, &previous_stack);
  struct sigaction action {};
  action.sa_sigaction = crash_handler;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) sigaction(kSignals[i], &action, &previous[i]);
}

FailureSignals::~FailureSignals() {
  if (--depth > 0) return;
  active_execution = nullptr;
  for (size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) sigaction(kSignals[i], &previous[i], nullptr);
  sigaltstack(&previous_stack, nullptr);
  note_before_length = note_after_length = 0;
}

void FailureSignals::set_crash_note(std::string_view before, std::string_view after) {
  note_before_length = std::min(before.size(), kNoteCapacity);
  std::memcpy(note_before, before.data(), note_before_length);
  note_after_length = std::min(after.size(), kNoteCapacity);
  std::memcpy(note_after, after.data(), note_after_length);
}

}  // namespace weft::detail
