# Precompiled headers for weft's test and example binaries. Most of their
# compile time is spent parsing GoogleTest, weft and the standard library
# again for every file; a precompiled header parses them once per binary
# (measured in docs/performance.md, "CI time").
#
# ccache cannot cache a compilation that uses a precompiled header (it
# counts it as "could not use precompiled header" unless configured with
# extra sloppiness), and a warm cache beats a precompiled header, so a build
# through a compiler launcher should not ask for one.
#
# weft's libraries never use one: their files must compile on their own
# includes.
#
# On by default, off when a compiler launcher (ccache) is configured.
# g++ 12 once reported a -Warray-bounds false positive from inside
# libstdc++ (std::string's operator+ in tests/core/strategy_test.cc) only
# with the header; that file compiles cleanly with it now.
if(CMAKE_CXX_COMPILER_LAUNCHER)
  set(weft_pch_default OFF)
else()
  set(weft_pch_default ON)
endif()
option(WEFT_PRECOMPILE_HEADERS "Precompiled headers for the tests and examples (off with a compiler launcher)"
       ${weft_pch_default})

# weft_precompile_headers(<target> <header>...): a precompiled header of its
# own for <target>.
function(weft_precompile_headers target)
  if(WEFT_PRECOMPILE_HEADERS)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# weft_use_test_pch(<target>): <target>, a GoogleTest binary of WEFT_TESTs
# (linked with weft, weft::gtest and weft_build_flags, so compiled with the
# same flags), reuses the one precompiled header of weft_test_pch.
function(weft_use_test_pch target)
  if(WEFT_PRECOMPILE_HEADERS)
    target_precompile_headers(${target} REUSE_FROM weft_test_pch)
  endif()
endfunction()

if(WEFT_PRECOMPILE_HEADERS AND (WEFT_BUILD_TESTS OR WEFT_BUILD_EXAMPLES))
  # An object library needs a source; this empty one only carries the header.
  file(CONFIGURE OUTPUT weft_test_pch.cc CONTENT "// The precompiled header's owner (cmake/WeftPrecompiledHeaders.cmake).\n")
  add_library(weft_test_pch OBJECT ${CMAKE_CURRENT_BINARY_DIR}/weft_test_pch.cc)
  target_link_libraries(weft_test_pch PRIVATE weft weft::gtest weft_build_flags)
  target_precompile_headers(weft_test_pch PRIVATE <gtest/gtest.h> <weft/weft.h> <mutex> <string> <vector>)
endif()
