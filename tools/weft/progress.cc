#include "progress.h"

#include <unistd.h>

#include <string>

#include "absl/strings/str_format.h"

namespace weft::tool {

using Clock = std::chrono::steady_clock;

Progress::Progress(FILE* out, int tests)
    : out_(out), tty_(isatty(fileno(out)) != 0), tests_(tests), start_(Clock::now()), last_print_(start_) {}

void Progress::tick() {
  const auto since = Clock::now() - last_print_;
  if (tty_ ? since >= std::chrono::milliseconds(200) : since >= std::chrono::seconds(5)) print(tty_);
}

void Progress::print(bool live) {
  last_print_ = Clock::now();
  const double seconds = std::chrono::duration<double>(last_print_ - start_).count();
  const std::string line = absl::StrFormat("[weft] tests %d/%d  %.0f executions/s  %02d:%02d elapsed  bugs %d", done_,
                                           tests_, seconds > 0 ? static_cast<double>(executions_) / seconds : 0.0,
                                           static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60, bugs_);
  if (live) {
    std::fprintf(out_, "\r\033[K%s", line.c_str());
    live_shown_ = true;
  } else {
    std::fprintf(out_, "%s\n", line.c_str());
  }
  std::fflush(out_);
}

void Progress::finish() {
  if (live_shown_) std::fprintf(out_, "\r\033[K");
  live_shown_ = false;
  std::fflush(out_);
}

}  // namespace weft::tool
