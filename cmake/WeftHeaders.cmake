# weft_include_closure(<out-var> <base-dir> <header>...)
#
# Sets <out-var> to the given headers (paths relative to <base-dir>, e.g.
# weft/weft.h) and every weft header they include, directly or through
# another: the headers an installed weft must ship, and no others (the
# internals that only .cc files include stay out).
#
# It reads `#include "weft/..."` lines as text, so a header included under an
# #if counts too (weft.h includes weft/gtest/weft_test.h only where GoogleTest
# is found). Headers of other libraries are not followed. The scanned headers
# become configure dependencies: adding an include re-runs CMake and so keeps
# the list true.
function(weft_include_closure out base)
  set(pending ${ARGN})
  set(found)
  while(pending)
    list(POP_FRONT pending header)
    if(header IN_LIST found)
      continue()
    endif()
    if(NOT EXISTS ${base}/${header})
      message(FATAL_ERROR "weft_include_closure: ${base}/${header} does not exist")
    endif()
    list(APPEND found ${header})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${base}/${header})
    file(STRINGS ${base}/${header} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"weft/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"(weft/[^\"]+)\".*$" "\\1" included "${line}")
      list(APPEND pending ${included})
    endforeach()
  endwhile()
  list(SORT found)
  set(${out} ${found} PARENT_SCOPE)
endfunction()
