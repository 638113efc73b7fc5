// What the `weft` tool and a WEFT_TEST binary share to speak to each other
// (docs/cli.md, "The worker protocol"): the environment variable that makes
// the binary a worker, the protocol version, and the layout of the shared
// memory page where a worker keeps the execution in flight durable.
//
//   WEFT_WORKER=<version>:<request fd>:<reply fd>:<in-flight page fd> ./bank_test
//
// Requests and replies are JSON objects, one per line (Boost.JSON).
#pragma once

#include <atomic>
#include <cstdint>

namespace weft::worker {

inline constexpr const char* kWorkerEnv = "WEFT_WORKER";
inline constexpr const char* kProtocolName = "weft-worker";
// Bumped whenever a request or reply changes meaning or loses a field.
inline constexpr int kProtocolVersion = 1;

// The in-flight page: written by the worker before each execution, read by
// the runner after the worker died or stalled. The seed token of the
// execution in flight is token_prefix + index + token_suffix.
struct InFlightPage {
  static constexpr uint32_t kPrefixCapacity = 192;
  static constexpr uint32_t kSuffixCapacity = 64;
  std::atomic<uint64_t> index;    // the execution running (or last run)
  std::atomic<uint64_t> started;  // executions started since the worker began: progress
  std::atomic<uint32_t> running;  // 1 while a slice or replay runs
  std::atomic<uint32_t> prefix_length;
  std::atomic<uint32_t> suffix_length;
  char token_prefix[kPrefixCapacity];
  char token_suffix[kSuffixCapacity];
};
static_assert(sizeof(InFlightPage) <= 4096);
static_assert(std::atomic<uint64_t>::is_always_lock_free);

}  // namespace weft::worker
