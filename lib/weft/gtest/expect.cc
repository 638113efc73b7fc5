#include "weft/gtest/expect.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>

#include "weft/report/describe.h"

namespace weft {
namespace {

// "a failure of kind 'deadlock' or 'lock-order inversion'".
std::string expected_kinds(std::initializer_list<FailureKind> kinds) {
  std::string text = "a failure of kind ";
  for (const FailureKind* k = kinds.begin(); k != kinds.end(); ++k) {
    if (k != kinds.begin()) text += " or ";
    text += "'";
    text += failure_kind_name(*k);
    text += "'";
  }
  return text;
}

// The interleaving of `again` is the interleaving of `original`: the same
// threads doing the same operations on the same objects, with the same
// preemptions and the same steps marked.
void expect_same_trace(const Failure& original, const Failure& again) {
  ASSERT_EQ(original.trace.size(), again.trace.size()) << "original:\n"
                                                       << original.report << "replay:\n"
                                                       << again.report;
  for (size_t i = 0; i < original.trace.size(); ++i) {
    const TraceStep& x = original.trace[i];
    const TraceStep& y = again.trace[i];
    ASSERT_TRUE(x.thread == y.thread && x.op == y.op && x.object == y.object && x.preempted == y.preempted &&
                x.highlighted == y.highlighted)
        << "step " << x.step << " differs: thread " << x.thread << " " << x.op << " " << x.object << " vs thread "
        << y.thread << " " << y.op << " " << y.object << "\noriginal:\n"
        << original.report << "replay:\n"
        << again.report;
  }
}

// The same failure, found again.
void expect_same_failure(const Failure& original, const Failure& again) {
  EXPECT_EQ(again.kind, original.kind) << again.report;
  EXPECT_EQ(again.message, original.message);
  EXPECT_EQ(kind_of(again.evidence), again.kind);
  // The evidence, as words: a variable's address may change from run to run.
  EXPECT_EQ(detail::failure_details(again.evidence), detail::failure_details(original.evidence));
  EXPECT_EQ(again.thread, original.thread);
  EXPECT_EQ(again.step, original.step);
  EXPECT_EQ(again.where.line, original.where.line);
  expect_same_trace(original, again);
}

}  // namespace

void PrintTo(FailureKind kind, std::ostream* out) { *out << failure_kind_name(kind); }

std::optional<Failure> expect_bug(const Options& options, const std::function<void()>& body,
                                  std::initializer_list<FailureKind> kinds, std::string_view message_part,
                                  source_location where) {
  const testing::ScopedTrace trace(where.file_name(), static_cast<int>(where.line()), "weft::expect_bug");
  Result found = explore(options, body);
  if (!found.error.ok()) {
    ADD_FAILURE() << "explore could not run: " << found.error;
    return std::nullopt;
  }
  if (!found.failure) {
    ADD_FAILURE() << "expected " << expected_kinds(kinds) << ", but " << found.executions << " executions of "
                  << options.strategy << " found nothing";
    return std::nullopt;
  }
  const Failure& f = *found.failure;
  if (std::find(kinds.begin(), kinds.end(), f.kind) == kinds.end()) {
    ADD_FAILURE() << "expected " << expected_kinds(kinds) << ", found '" << failure_kind_name(f.kind) << "':\n"
                  << f.report;
    return std::nullopt;
  }
  if (!message_part.empty()) {
    EXPECT_NE(f.message.find(message_part), std::string::npos) << "'" << message_part << "' not in the message:\n"
                                                               << f.report;
  }
  EXPECT_FALSE(f.token.empty());
  EXPECT_FALSE(f.seed_token.empty());
  EXPECT_NE(f.report.find(f.token), std::string::npos) << "the report does not name its token:\n" << f.report;

  std::cout << "[ weft     ] found " << failure_kind_name(f.kind) << " after " << found.executions << " executions ("
            << options.strategy << "; seed token " << f.seed_token << "): " << f.message << "\n";
  if (std::getenv("WEFT_REPORT_FOUND_BUGS") != nullptr) std::cout << f.report;

  expect_replays(f, body, options, where);
  return std::move(found.failure);
}

void expect_replays(const Failure& failure, const std::function<void()>& body, const Options& options,
                    source_location where) {
  const testing::ScopedTrace trace(where.file_name(), static_cast<int>(where.line()), "weft::expect_replays");
  const Result first = replay(failure.token, body, options);
  const Result second = replay(failure.token, body, options);
  ASSERT_TRUE(first.error.ok()) << first.error;
  ASSERT_TRUE(second.error.ok()) << second.error;
  ASSERT_TRUE(first.failure.has_value()) << "the token " << failure.token << " did not reproduce:\n" << failure.report;
  ASSERT_TRUE(second.failure.has_value()) << "the token " << failure.token << " reproduced only once";
  EXPECT_EQ(first.executions, 1u);
  expect_same_failure(failure, *first.failure);
  EXPECT_EQ(first.failure->report, second.failure->report) << "two replays of one token rendered differently";
  EXPECT_EQ(first.failure->token, failure.token);

  const Result from_seed = replay(failure.seed_token, body, options);
  ASSERT_TRUE(from_seed.error.ok()) << from_seed.error;
  ASSERT_TRUE(from_seed.failure.has_value()) << "the seed token " << failure.seed_token << " did not reproduce:\n"
                                             << failure.report;
  expect_same_failure(failure, *from_seed.failure);
}

Result expect_no_bug(const Options& options, const std::function<void()>& body, source_location where) {
  const testing::ScopedTrace trace(where.file_name(), static_cast<int>(where.line()), "weft::expect_no_bug");
  Result r = explore(options, body);
  if (!r.error.ok()) {
    ADD_FAILURE() << "explore could not run: " << r.error;
    return r;
  }
  EXPECT_FALSE(r.failure.has_value()) << "found a bug after " << r.executions << " executions:\n" << r.failure->report;
  for (const Failure& race : r.races) ADD_FAILURE() << "recorded a race:\n" << race.report;
  EXPECT_EQ(r.executions, options.iterations) << options.strategy;
  return r;
}

}  // namespace weft
