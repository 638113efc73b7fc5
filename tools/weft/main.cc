// The `weft` command-line tool: `weft <command> [options] [args]`.
// Commands are listed in commands(); `weft help [command]` explains them.
#include <signal.h>

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "command.h"

namespace weft::tool {

extern const Command kRunCommand;
extern const Command kListCommand;
extern const Command kReplayCommand;
extern const Command kMinimizeCommand;
extern const Command kLincheckCommand;

std::span<const Command> commands() {
  static const Command kCommands[] = {kRunCommand, kListCommand, kReplayCommand, kMinimizeCommand, kLincheckCommand};
  return kCommands;
}

namespace {

const Command* find_command(const std::string& name) {
  for (const Command& c : commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string overview() {
  std::string out =
      "usage: weft <command> [options] [arguments]\n\n"
      "weft finds concurrency bugs by controlling the scheduler. Commands:\n";
  for (const Command& c : commands()) absl::StrAppend(&out, "  ", c.name, "  ", c.summary, "\n");
  absl::StrAppend(&out, "  help  show this, or `weft help <command>` for one command\n");
  return out;
}

int run(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << overview();
    return kBadInput;
  }
  const std::string& name = args[0];
  if (name == "help" || name == "--help" || name == "-h") {
    if (args.size() < 2) {
      std::cout << overview();
      return kOk;
    }
    const Command* c = find_command(args[1]);
    if (c == nullptr) {
      std::cerr << "weft help: unknown command \"" << args[1] << "\"\n" << overview();
      return kBadInput;
    }
    std::cout << c->usage();
    return kOk;
  }
  const Command* c = find_command(name);
  if (c == nullptr) {
    std::cerr << "weft: unknown command \"" << name << "\"\n" << overview();
    return kBadInput;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const std::string& a : rest) {
    if (a == "--help" || a == "-h") {
      std::cout << c->usage();
      return kOk;
    }
  }
  return c->run(rest);
}

}  // namespace
}  // namespace weft::tool

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);  // a worker that died is noticed on its pipe, not by a signal
  try {
    return weft::tool::run(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::exception& e) {
    std::cerr << "weft: internal error: " << e.what() << "\n";
    return weft::tool::kInternalError;
  } catch (...) {
    std::cerr << "weft: internal error (unknown exception)\n";
    return weft::tool::kInternalError;
  }
}
