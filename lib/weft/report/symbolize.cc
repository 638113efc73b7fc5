#include "weft/report/symbolize.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <cstdio>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "weft/report/trace.h"

namespace weft::detail {
namespace {

// Shell-quotes a path for popen.
std::string quoted(absl::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

SourcePosition parse_addr2line(absl::string_view function, absl::string_view location) {
  SourcePosition p;
  const size_t colon = location.rfind(':');
  if (colon == absl::string_view::npos) return p;
  absl::string_view line = location.substr(colon + 1);
  if (size_t space = line.find(' '); space != absl::string_view::npos) line = line.substr(0, space);
  int n = 0;
  if (location.substr(0, 2) == "??" || !absl::SimpleAtoi(absl::string_view(line.data(), line.size()), &n) || n <= 0)
    return p;
  p.file = std::string(location.substr(0, colon));
  p.line = n;
  p.function = std::string(function);
  return p;
}

// Every frame of each address, innermost first, from addr2line -i.
std::vector<std::vector<SourcePosition>> frames_of(std::span<const void* const> pcs) {
  std::vector<std::vector<SourcePosition>> out(pcs.size());
  // Group addresses by the object file that contains them.
  struct Request {
    std::vector<size_t> indices;
    std::vector<std::string> offsets;
  };
  absl::flat_hash_map<std::string, Request> by_file;
  for (size_t i = 0; i < pcs.size(); ++i) {
    Dl_info info{};
    if (pcs[i] == nullptr || dladdr(pcs[i], &info) == 0 || info.dli_fbase == nullptr) continue;
    std::string file = info.dli_fname != nullptr && info.dli_fname[0] != '\0' ? info.dli_fname : "/proc/self/exe";
    // A return address points after the call: step back into it.
    auto address = reinterpret_cast<uintptr_t>(pcs[i]) - 1;
    const auto* header = static_cast<const ElfW(Ehdr)*>(info.dli_fbase);
    if (header->e_type == ET_DYN) address -= reinterpret_cast<uintptr_t>(info.dli_fbase);
    Request& r = by_file[file];
    r.indices.push_back(i);
    r.offsets.push_back(absl::StrCat("0x", absl::Hex(address)));
  }
  for (auto& [file, request] : by_file) {
    // -i -p: one line per address, "function at file:line", then one
    // " (inlined by) ..." line per enclosing inlined frame.
    const std::string command = absl::StrCat("addr2line -C -f -i -p -e ", quoted(file), " ",
                                             absl::StrJoin(request.offsets, " "), " 2>/dev/null");
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) continue;
    char buffer[8192];
    size_t next = 0;
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
      absl::string_view line(buffer);
      if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
      const bool inlined = absl::StartsWith(line, " (inlined by) ");
      if (inlined) {
        if (next == 0) continue;
        line.remove_prefix(std::string_view(" (inlined by) ").size());
      } else if (next >= request.indices.size()) {
        break;
      } else {
        ++next;
      }
      const size_t at = line.rfind(" at ");
      out[request.indices[next - 1]].push_back(
          at == absl::string_view::npos ? SourcePosition{} : parse_addr2line(line.substr(0, at), line.substr(at + 4)));
    }
    pclose(pipe);
  }
  for (std::vector<SourcePosition>& frames : out) {
    if (frames.empty()) frames.emplace_back();
  }
  return out;
}

}  // namespace

std::vector<SourcePosition> symbolize(std::span<const void* const> pcs) {
  std::vector<SourcePosition> out;
  out.reserve(pcs.size());
  for (std::vector<SourcePosition>& frames : frames_of(pcs)) {
    // The first frame is the innermost: the code the user wrote, even inside
    // a lambda. When it is in a system header (std::lock_guard's constructor
    // calling lock()), the enclosing inlined frames lead back to the user's line.
    size_t chosen = 0;
    for (size_t outer = 1; outer < frames.size(); ++outer) {
      if (frames[chosen].known() && !is_system_header(frames[chosen].file)) break;
      if (frames[outer].known()) chosen = outer;
    }
    out.push_back(std::move(frames[chosen]));
  }
  return out;
}

std::vector<std::vector<SourcePosition>> symbolize_inlined(std::span<const void* const> pcs) { return frames_of(pcs); }

bool is_system_header(std::string_view file) {
  return file.starts_with("/usr/include/") || file.starts_with("/usr/lib/gcc/") ||
         file.starts_with("/usr/local/include/") || file.find("/include/c++/") != std::string_view::npos;
}

SourcePosition resolve_site(const weft::source_location& where, const void* pc) {
  if (!prefer_pc(where, pc)) return to_position(where);
  const void* one[] = {pc};
  return symbolize(one)[0];
}

}  // namespace weft::detail
