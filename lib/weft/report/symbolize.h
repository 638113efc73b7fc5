// Code addresses to source positions, for the operations that cannot take a
// std::source_location (operators such as `x = x + 1` on a weft::var). The
// hot path only stores the caller's address; a report resolves the few it
// shows with binutils' addr2line, batched, once.
#pragma once

#include <source_location>
#include <span>
#include <string>
#include <vector>

#include "weft/report/failure.h"

namespace weft::detail {

// Resolves each address; unknown ones stay !known().
std::vector<SourcePosition> symbolize(std::span<const void* const> pcs);

// "file.cc:12" from `where` when it is known, else from `pc`, else "?".
std::string describe_site(const std::source_location& where, const void* pc);

}  // namespace weft::detail
