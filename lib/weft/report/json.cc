#include "weft/report/json.h"

#include <boost/json.hpp>

#include "weft/report/describe.h"

namespace weft {
namespace {

boost::json::value position(const SourcePosition& p) {
  if (!p.known()) return nullptr;
  return boost::json::object{{"file", p.file}, {"line", p.line}, {"function", p.function}};
}

}  // namespace

std::string failure_to_json(const Failure& f) {
  boost::json::array details;
  for (const std::string& d : detail::failure_details(f.evidence)) details.emplace_back(d);
  boost::json::array trace;
  for (const TraceStep& s : f.trace) {
    trace.emplace_back(boost::json::object{{"step", s.step},
                                           {"thread", s.thread},
                                           {"op", s.op},
                                           {"object", s.object},
                                           {"where", position(s.where)},
                                           {"preempted", s.preempted},
                                           {"highlighted", s.highlighted}});
  }
  const boost::json::object out{{"kind", std::string(failure_kind_name(f.kind))},
                                {"message", f.message},
                                {"details", std::move(details)},
                                {"thread", f.thread},
                                {"where", position(f.where)},
                                {"execution", f.execution},
                                {"step", f.step},
                                {"threads", f.thread_count},
                                {"token", f.token},
                                {"seed_token", f.seed_token},
                                {"replay_command", f.replay_command},
                                {"trace", std::move(trace)}};
  return boost::json::serialize(out);
}

}  // namespace weft
