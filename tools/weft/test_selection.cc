#include "test_selection.h"

#include <fnmatch.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace weft::tool {
namespace {

bool matches_any(const std::string& name, absl::string_view patterns) {
  for (absl::string_view p : absl::StrSplit(patterns, ':', absl::SkipEmpty())) {
    if (fnmatch(std::string(p).c_str(), name.c_str(), 0) == 0) return true;
  }
  return false;
}

absl::StatusOr<Shard> make_shard(absl::string_view index_text, absl::string_view count_text, absl::string_view what) {
  Shard s;
  if (!absl::SimpleAtoi(index_text, &s.index) || !absl::SimpleAtoi(count_text, &s.count) || s.count == 0 ||
      s.index >= s.count) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": shard index '", index_text, "' of '", count_text,
                                                   "' shards is not valid; the index must be in [0, count) and the "
                                                   "count at least 1"));
  }
  return s;
}

const char* env(const char* name) { return std::getenv(name); }

}  // namespace

bool matches_filter(const std::string& name, const std::string& filter) {
  const size_t dash = filter.find('-');
  const absl::string_view positive = absl::string_view(filter).substr(0, dash);
  const absl::string_view negative = dash == std::string::npos ? "" : absl::string_view(filter).substr(dash + 1);
  return (positive.empty() || matches_any(name, positive)) && !matches_any(name, negative);
}

absl::StatusOr<Shard> resolve_shard(const std::string& flag) {
  if (!flag.empty()) {
    std::vector<std::string> parts = absl::StrSplit(flag, '/');
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("--shard='", flag, "' is not I/N: write e.g. --shard 0/4 for the first of four shards"));
    }
    return make_shard(parts[0], parts[1], "--shard");
  }
  if (env("GTEST_TOTAL_SHARDS") != nullptr || env("GTEST_SHARD_INDEX") != nullptr) {
    if (env("GTEST_TOTAL_SHARDS") == nullptr || env("GTEST_SHARD_INDEX") == nullptr) {
      return absl::InvalidArgumentError("GTEST_TOTAL_SHARDS and GTEST_SHARD_INDEX must be set together");
    }
    return make_shard(env("GTEST_SHARD_INDEX"), env("GTEST_TOTAL_SHARDS"), "GTEST_SHARD_INDEX/GTEST_TOTAL_SHARDS");
  }
  if (env("TEST_TOTAL_SHARDS") != nullptr || env("TEST_SHARD_INDEX") != nullptr) {
    if (env("TEST_TOTAL_SHARDS") == nullptr || env("TEST_SHARD_INDEX") == nullptr) {
      return absl::InvalidArgumentError("TEST_TOTAL_SHARDS and TEST_SHARD_INDEX must be set together");
    }
    absl::StatusOr<Shard> s =
        make_shard(env("TEST_SHARD_INDEX"), env("TEST_TOTAL_SHARDS"), "TEST_SHARD_INDEX/TEST_TOTAL_SHARDS");
    // Bazel asks test runners that shard to say so by touching this file.
    if (s.ok() && env("TEST_SHARD_STATUS_FILE") != nullptr) std::ofstream(env("TEST_SHARD_STATUS_FILE"), std::ios::app);
    return s;
  }
  if (env("JOB_COMPLETION_INDEX") != nullptr) {
    if (env("WEFT_TOTAL_SHARDS") == nullptr) {
      return absl::InvalidArgumentError(
          "JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but WEFT_TOTAL_SHARDS is not: set it to the Job's "
          "completions, or pass --shard I/N");
    }
    return make_shard(env("JOB_COMPLETION_INDEX"), env("WEFT_TOTAL_SHARDS"), "JOB_COMPLETION_INDEX/WEFT_TOTAL_SHARDS");
  }
  return Shard{};
}

}  // namespace weft::tool
