// weft::source_location: where a primitive was called, captured as a default
// argument so that reports name the user's line.
//
//   void lock(weft::source_location where = weft::source_location::current());
//   ...
//   std::cout << where.file_name() << ":" << where.line();
//
// It is std::source_location wherever the standard library provides it. clang
// 14 with libstdc++ 12 (Debian 12's clang, which builds the fuzzers) lacks
// the builtin libstdc++'s <source_location> needs, so there weft uses a
// class with the same members built on __builtin_FILE / __builtin_LINE /
// __builtin_FUNCTION, which both compilers have had for years.
#pragma once

#include <version>

#if defined(__cpp_lib_source_location)
#include <source_location>

namespace weft {
using source_location = std::source_location;
}  // namespace weft

#else
#include <cstdint>

namespace weft {

class source_location {
 public:
  static constexpr source_location current(const char* file = __builtin_FILE(),
                                           std::uint_least32_t line = __builtin_LINE(),
#if defined(__has_builtin) && __has_builtin(__builtin_COLUMN)
                                           std::uint_least32_t column = __builtin_COLUMN(),
#else
                                           std::uint_least32_t column = 0,
#endif
                                           const char* function = __builtin_FUNCTION()) noexcept {
    source_location where;
    where.file_ = file;
    where.line_ = line;
    where.column_ = column;
    where.function_ = function;
    return where;
  }

  constexpr source_location() noexcept = default;

  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr std::uint_least32_t column() const noexcept { return column_; }
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }

 private:
  const char* file_ = "";
  std::uint_least32_t line_ = 0;
  std::uint_least32_t column_ = 0;
  const char* function_ = "";
};

}  // namespace weft

#endif
