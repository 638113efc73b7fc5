// `weft lincheck` end to end: runs the real binary and checks exit codes and
// messages (0 linearizable, 1 not, 2 bad usage or input, 4 unknown).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

namespace {

using ::testing::HasSubstr;

struct ToolRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

ToolRun weft(const std::string& args) {
  ToolRun run;
  const std::string command = std::string(WEFT_TOOL_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer;
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) run.output += buffer.data();
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class LincheckCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("weft_cli_test_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::filesystem::path dir_;
};

const char* kGood =
    "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
    "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
    "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 1\t:ok\t:read\t1\n";
const char* kStale =
    "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
    "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
    "INFO  jepsen.util - 1\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 1\t:ok\t:read\tnil\n";

TEST_F(LincheckCli, LinearizableExitsZero) {
  ToolRun r = weft("lincheck --model cas-register " + write("good.log", kGood));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("good.log: linearizable"));
}

TEST_F(LincheckCli, ViolationExitsOneWithTableAndHtml) {
  const std::string html_dir = (dir_ / "html").string();
  ToolRun r = weft("lincheck --model=register --html_dir=" + html_dir + " " + write("stale.log", kStale));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("stale.log: NOT linearizable"));
  EXPECT_THAT(r.output, HasSubstr("read() -> nil"));
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(html_dir) / "stale.log.html"));
}

TEST_F(LincheckCli, BadFileExitsTwoButChecksTheOthers) {
  ToolRun r =
      weft("lincheck --model cas-register " + write("bad.log", "INFO  jepsen.util - 0\t:invoke\t:frobnicate\tnil\n") +
           " " + write("good.log", kGood));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("bad.log:1: expected :read, :write or :cas"));
  EXPECT_THAT(r.output, HasSubstr("good.log: linearizable"));
}

TEST_F(LincheckCli, MissingEmptyAndDirectoryInputsExitTwo) {
  ToolRun r = weft("lincheck --model cas-register " + (dir_ / "nope.log").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("nope.log: cannot open the file"));
  r = weft("lincheck --model cas-register " + write("empty.log", ""));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("empty.log: the file has no events"));
  r = weft("lincheck --model cas-register " + dir_.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("is a directory"));
}

TEST_F(LincheckCli, BadOptionsExitTwoWithAMessage) {
  const std::string file = write("good.log", kGood);
  ToolRun r = weft("lincheck " + file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("--model is required"));
  r = weft("lincheck --model btree " + file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("unknown model \"btree\""));
  r = weft("lincheck --model kv --colour " + file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("unknown option --colour"));
  r = weft("lincheck --model kv --time_limit=soon " + file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("bad value \"soon\" for --time_limit"));
  r = weft("lincheck --model kv --format=xml " + file);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("unknown format \"xml\""));
  r = weft("lincheck --model cas-register");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("no history files given"));
  r = weft("lincheck --model");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("--model needs a value"));
}

// 2,000 operations, each write read by the next client while it returns: a
// linearizable history the search walks in one node per operation. The
// deadline reads the clock every 256 polls, so with a time limit of 1us the
// search always stops there, however fast the machine or the checker gets
// (a history that is merely hard stops being hard as the reductions grow).
std::string long_history() {
  std::string text;
  for (int k = 0; k < 1000; ++k) {
    const std::string writer = std::to_string(k % 4), reader = std::to_string((k + 1) % 4);
    const std::string value = std::to_string(k);
    text += "INFO  jepsen.util - " + writer + "\t:invoke\t:write\t" + value + "\n";
    text += "INFO  jepsen.util - " + reader + "\t:invoke\t:read\tnil\n";
    text += "INFO  jepsen.util - " + writer + "\t:ok\t:write\t" + value + "\n";
    text += "INFO  jepsen.util - " + reader + "\t:ok\t:read\t" + value + "\n";
  }
  return text;
}

TEST_F(LincheckCli, UnknownExitsFourUnlessAccepted) {
  const std::string long_log = write("long.log", long_history());
  ToolRun r = weft("lincheck --model cas-register --time_limit=1us " + long_log);
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_THAT(r.output, HasSubstr("long.log: unknown"));
  EXPECT_THAT(r.output, HasSubstr("time limit reached before a verdict"));
  EXPECT_THAT(r.output, HasSubstr("search nodes"));  // how far it got
  r = weft("lincheck --model cas-register --time_limit=1us --accept_unknown " + long_log);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // A violation in another file still decides the exit code.
  r = weft("lincheck --model cas-register --time_limit=1us --accept_unknown " + long_log + " " +
           write("stale.log", kStale));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  r = weft("lincheck --model cas-register --time_limit=1us " + long_log + " " + write("good.log", kGood));
  EXPECT_EQ(r.exit_code, 4) << r.output;
  EXPECT_THAT(r.output, HasSubstr("2 files: 1 linearizable, 0 not linearizable, 1 undecided, 0 unreadable"));
}

TEST_F(LincheckCli, PrintsTheVerdictBeforeTheExplanation) {
  ToolRun r = weft("lincheck --model cas-register --explain_budget=2s " + write("stale.log", kStale));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const auto verdict = r.output.find("stale.log: NOT linearizable");
  const auto explanation = r.output.find("cannot be linearized");
  ASSERT_NE(verdict, std::string::npos);
  ASSERT_NE(explanation, std::string::npos);
  EXPECT_LT(verdict, explanation);
  EXPECT_THAT(r.output, HasSubstr("Explained in"));
  EXPECT_THAT(r.output, ::testing::Not(HasSubstr("perhaps")));
  // With no time at all it shows what it has, and says so.
  r = weft("lincheck --model cas-register --explain_budget=1ns " + write("stale.log", kStale));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("perhaps not minimal"));
  EXPECT_THAT(r.output, HasSubstr("when this returns, or earlier"));
  // --quiet: the verdict line only.
  r = weft("lincheck --model cas-register --quiet " + write("stale.log", kStale));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, ::testing::Not(HasSubstr("cannot be linearized")));
}

TEST_F(LincheckCli, BadTimeAndExplanationOptionsExitTwo) {
  const std::string file = write("good.log", kGood);
  const std::pair<std::string, std::string> cases[] = {
      {"--time_limit=0s", "--time_limit must be positive"},
      {"--time_limit=-5s", "--time_limit must be positive"},
      {"--explain_budget=-1s", "--explain_budget must be a finite duration"},
      {"--explain_budget=inf", "--explain_budget must be a finite duration"},
      {"--explain_budget=later", "bad value \"later\" for --explain_budget"},
      {"--accept_unknown=maybe", "bad value \"maybe\" for --accept_unknown"},
  };
  for (const auto& [flag, message] : cases) {
    const ToolRun r = weft("lincheck --model cas-register " + flag + " " + file);
    EXPECT_EQ(r.exit_code, 2) << flag << ": " << r.output;
    EXPECT_THAT(r.output, HasSubstr(message)) << flag;
  }
}

TEST_F(LincheckCli, ReadsStandardInput) {
  ToolRun r = weft("lincheck --model cas-register - < " + write("stale.log", kStale));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("<stdin>: NOT linearizable"));
}

TEST_F(LincheckCli, WrongModelForTheFileExitsTwo) {
  ToolRun r = weft("lincheck --model kv " + write("good.log", kGood));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("good.log:1: write needs a key"));
}

TEST(WeftCli, HelpAndUnknownCommands) {
  ToolRun r = weft("help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("lincheck"));
  r = weft("help lincheck");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.output, HasSubstr("--model"));
  EXPECT_THAT(r.output, HasSubstr("cas-register"));
  r = weft("lincheck --help");
  EXPECT_EQ(r.exit_code, 0);
  r = weft("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("unknown command \"frobnicate\""));
  r = weft("");
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
