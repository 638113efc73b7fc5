// Explores one body of the twins benchmark for a given number of executions
// (random strategy, the options twins_bench.cc uses), and nothing else: the
// program to run under callgrind, so instruction counts of a std:: body and
// of its weft:: twin come from the same binary (docs/unmodified.md).
//
// Run: valgrind --tool=callgrind weft_unmodified_one_body lock_std 2000
#include <weft/weft.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "access_body.h"
#include "seed_patterns.h"
#include "weft_twins.h"

namespace {

struct Body {
  const char* name;
  std::function<void()> run;
  bool races = true;
  bool lock_order = true;
};

long sink = 0;

std::vector<Body> bodies() {
  using seed::StdTypes;
  return {
      {"access", [] { sink += access_bench::run(access_bench::kSweeps); }},
      {"access0", [] { sink += access_bench::run(0); }},
      {"update_std", seed::lost_update<StdTypes, seed::Guard::kMutex>, false},
      {"update_weft", weft_twins::lost_update_locked, false},
      {"lock_std", seed::lock_order_deadlock<StdTypes, seed::Locking::kScopedLock>, true, false},
      {"lock_weft", weft_twins::lock_order_scoped, true, false},
      {"wakeup_std", seed::lost_wakeup<StdTypes, seed::Recheck::kWhile>},
      {"wakeup_weft", weft_twins::lost_wakeup_while},
      {"treiber_std", seed::treiber_aba<StdTypes, seed::TaggedHead>},
      {"treiber_weft", weft_twins::treiber_aba_tagged_head},
      {"actor_std", seed::actor_mailbox<StdTypes, seed::Update::kOneMessage>},
      {"actor_weft", weft_twins::actor_one_message},
  };
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<Body> all = bodies();
  const Body* body = nullptr;
  for (const Body& b : all) {
    if (argc == 3 && argv[1] == std::string(b.name)) body = &b;
  }
  char* end = nullptr;
  const long executions = argc == 3 ? std::strtol(argv[2], &end, 10) : 0;
  if (body == nullptr || end == nullptr || *end != '\0' || executions <= 0) {
    std::string names;
    for (const Body& b : all) names += std::string(" ") + b.name;
    std::fprintf(stderr, "usage: %s BODY EXECUTIONS  (EXECUTIONS > 0; BODY one of:%s)\n", argv[0], names.c_str());
    return 2;
  }
  weft::Options o;
  o.strategy = "random";
  o.iterations = static_cast<uint64_t>(executions);
  o.detect_races = body->races;
  o.detect_lock_order = body->lock_order;
  const weft::Result r = weft::explore(o, body->run);
  std::printf("%s: %llu executions, %s (sink %ld)\n", body->name, static_cast<unsigned long long>(r.executions),
              r.bug_found() ? "bug" : "no bug", sink);
  return r.bug_found() ? 1 : 0;
}
