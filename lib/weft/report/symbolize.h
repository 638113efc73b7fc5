// Code addresses to source positions, for the operations that cannot take a
// weft::source_location (operators such as `x = x + 1` on a weft::var). The
// hot path only stores the caller's address; a report resolves the few it
// shows with binutils' addr2line, batched, once.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "weft/base/source_location.h"
#include "weft/report/failure.h"

namespace weft::detail {

// Resolves each address; unknown ones stay !known().
std::vector<SourcePosition> symbolize(std::span<const void* const> pcs);

// Resolves each address to every frame it is in, innermost first: the
// function it is in, then each function that function was inlined into.
// An unknown address gives one unknown frame.
std::vector<std::vector<SourcePosition>> symbolize_inlined(std::span<const void* const> pcs);

// Where a step recorded at `where` and `pc` was: `where` when it is known,
// else `pc` resolved, else unknown. A `where` inside a system header
// (std::lock_guard calling lock()) yields to `pc`, whose inlined frames lead
// back to the user's line.
SourcePosition resolve_site(const weft::source_location& where, const void* pc);

// True for the standard library's and other installed headers.
bool is_system_header(std::string_view file);

// Whether a step recorded at `where` and `pc` is better told by `pc`.
inline bool prefer_pc(const weft::source_location& where, const void* pc) {
  return pc != nullptr && (where.line() == 0 || is_system_header(where.file_name()));
}

}  // namespace weft::detail
