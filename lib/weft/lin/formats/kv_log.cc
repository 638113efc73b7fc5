// Key/value logs in the style of MIT 6.824's linearizability tests: one
// EDN-like map per line, `{:process 0, :type :ok, :f :get, :key "3", :value "x"}`.
// Only the EDN this format uses is accepted: keywords, strings with
// backslash escapes, integers and nil.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "weft/lin/formats/lines.h"
#include "weft/lin/formats/parse.h"

namespace weft::lin {
namespace {

struct Keyword {
  std::string name;
};
struct Nil {};
using Atom = std::variant<Keyword, std::string, std::int64_t, Nil>;

class MapReader {
 public:
  MapReader(absl::string_view line, std::string at) : rest_(line), at_(std::move(at)) {}

  absl::StatusOr<std::map<std::string, Atom>> read() {
    std::map<std::string, Atom> fields;
    skip_space();
    if (!consume('{')) return error("expected '{' at the start of the line");
    for (;;) {
      skip_space();
      if (consume('}')) break;
      auto key = read_atom();
      if (!key.ok()) return key.status();
      auto* keyword = std::get_if<Keyword>(&*key);
      if (keyword == nullptr) return error("expected a keyword such as :process as a map key");
      skip_space();
      auto value = read_atom();
      if (!value.ok()) return value.status();
      if (!fields.emplace(keyword->name, *std::move(value)).second) {
        return error(absl::StrCat("the key :", keyword->name, " appears twice"));
      }
    }
    skip_space();
    if (!rest_.empty()) return error("expected the end of the line after '}'");
    return fields;
  }

 private:
  absl::Status error(absl::string_view what) const { return absl::InvalidArgumentError(absl::StrCat(at_, what)); }
  void skip_space() {
    while (!rest_.empty() && (absl::ascii_isspace(rest_[0]) || rest_[0] == ',')) {
      rest_.remove_prefix(1);
    }
  }
  bool consume(char c) {
    if (rest_.empty() || rest_[0] != c) return false;
    rest_.remove_prefix(1);
    return true;
  }
  absl::string_view token() {
    std::size_t n = 0;
    while (n < rest_.size() && !absl::ascii_isspace(rest_[n]) && rest_[n] != ',' && rest_[n] != '}' &&
           rest_[n] != '{' && rest_[n] != '"') {
      ++n;
    }
    absl::string_view t = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return t;
  }

  absl::StatusOr<Atom> read_atom() {
    if (rest_.empty()) return error("expected a value, found the end of the line");
    if (consume('"')) {
      std::string s;
      while (!rest_.empty() && rest_[0] != '"') {
        if (rest_[0] == '\\') {
          rest_.remove_prefix(1);
          if (rest_.empty()) break;
          const char c = rest_[0];
          s.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
        } else {
          s.push_back(rest_[0]);
        }
        rest_.remove_prefix(1);
      }
      if (!consume('"')) return error("expected a closing '\"' for the string");
      return Atom(std::move(s));
    }
    if (consume(':')) {
      absl::string_view name = token();
      if (name.empty()) return error("expected a keyword name after ':'");
      return Atom(Keyword{std::string(name)});
    }
    absl::string_view t = token();
    if (t == "nil") return Atom(Nil{});
    std::int64_t n = 0;
    if (absl::SimpleAtoi(t, &n)) return Atom(n);
    if (t.empty()) return error(absl::StrCat("expected a value, found '", rest_.substr(0, 1), "'"));
    return error(absl::StrCat("expected a keyword, string, integer or nil, got \"", t, "\""));
  }

  absl::string_view rest_;
  std::string at_;
};

}  // namespace

absl::StatusOr<std::vector<RawEvent>> parse_kv_log(absl::string_view text, const std::string& source) {
  std::vector<RawEvent> events;
  absl::Status status = detail::for_each_line(text, [&](int number, absl::string_view line) {
    const std::string at = where(source, number);
    auto fields = MapReader(line, at).read();
    if (!fields.ok()) return fields.status();
    auto missing = [&](absl::string_view key, absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(at, "expected :", key, " with ", what));
    };
    RawEvent e;
    e.line = number;
    e.time = number;
    auto process = fields->find("process");
    if (process == fields->end() || !std::holds_alternative<std::int64_t>(process->second)) {
      return missing("process", "an integer");
    }
    e.client = std::get<std::int64_t>(process->second);
    auto type = fields->find("type");
    const Keyword* type_kw = type == fields->end() ? nullptr : std::get_if<Keyword>(&type->second);
    if (type_kw == nullptr) return missing("type", ":invoke, :ok, :fail or :info");
    if (type_kw->name == "invoke") {
      e.type = EventType::kInvoke;
    } else if (type_kw->name == "ok") {
      e.type = EventType::kOk;
    } else if (type_kw->name == "fail") {
      e.type = EventType::kFail;
    } else if (type_kw->name == "info") {
      e.type = EventType::kInfo;
    } else {
      return missing("type", ":invoke, :ok, :fail or :info");
    }
    auto f = fields->find("f");
    const Keyword* f_kw = f == fields->end() ? nullptr : std::get_if<Keyword>(&f->second);
    if (f_kw == nullptr) return missing("f", "a keyword such as :get, :put or :append");
    e.function = f_kw->name;
    if (auto key = fields->find("key"); key != fields->end()) {
      if (auto* s = std::get_if<std::string>(&key->second)) {
        e.key = *s;
      } else if (auto* n = std::get_if<std::int64_t>(&key->second)) {
        e.key = absl::StrCat(*n);
      } else {
        return missing("key", "a string");
      }
    }
    if (auto value = fields->find("value"); value != fields->end()) {
      if (auto* s = std::get_if<std::string>(&value->second)) {
        e.value = boost::json::value(*s);
      } else if (auto* n = std::get_if<std::int64_t>(&value->second)) {
        e.value = boost::json::value(*n);
      } else if (std::holds_alternative<Nil>(value->second)) {
        e.value = nullptr;
      } else {
        return missing("value", "a string, an integer or nil");
      }
    }
    events.push_back(std::move(e));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return events;
}

}  // namespace weft::lin
