// Which tests a run covers, and which shard of their executions: the
// GoogleTest-style filter and the sharding settings of CI engines.
//
//   matches_filter("Bank.Transfer", "Bank.*:-*Slow*")  // true
//   absl::StatusOr<Shard> s = resolve_shard("");        // from the environment
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "exploration.h"

namespace weft::tool {

// GoogleTest's filter syntax: ':'-separated glob patterns, then optionally
// '-' and patterns to exclude.
bool matches_filter(const std::string& name, const std::string& filter);

// --shard I/N when given; else GTEST_TOTAL_SHARDS/GTEST_SHARD_INDEX (ctest,
// GoogleTest), TEST_TOTAL_SHARDS/TEST_SHARD_INDEX (Bazel; also touches
// TEST_SHARD_STATUS_FILE), JOB_COMPLETION_INDEX with WEFT_TOTAL_SHARDS
// (Kubernetes Indexed Jobs); else 0/1. Bad values: InvalidArgument saying
// which setting and what it should be.
absl::StatusOr<Shard> resolve_shard(const std::string& flag);

}  // namespace weft::tool
