include(GoogleTest)

# Developers may leave folders out of a build with -DBITTEN_SKIP_DIRS="libs/x;tests/unit/x".
set(BITTEN_SKIP_DIRS "" CACHE STRING "Folders (relative to the source root) to leave out of the build")

# add_subdirectory() every direct child of DIR that has a CMakeLists.txt, in name order.
function(bitten_add_subdirs dir)
  file(GLOB children LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/${dir}
       ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*)
  list(SORT children)
  foreach(child IN LISTS children)
    if("${dir}/${child}" IN_LIST BITTEN_SKIP_DIRS)
      message(STATUS "skipping ${dir}/${child} (BITTEN_SKIP_DIRS)")
    elseif(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/${child}/CMakeLists.txt)
      add_subdirectory(${dir}/${child})
    endif()
  endforeach()
endfunction()

# bitten_library(NAME SOURCES ... DEPS ...): libs/<name> with public include/ folder.
function(bitten_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  if(A_SOURCES)
    add_library(bitten_${name} STATIC ${A_SOURCES})
    target_include_directories(bitten_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(bitten_${name} PUBLIC ${A_DEPS})
    set_target_properties(bitten_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  else()
    add_library(bitten_${name} INTERFACE)
    target_include_directories(bitten_${name} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(bitten_${name} INTERFACE ${A_DEPS})
  endif()
  add_library(bitten::${name} ALIAS bitten_${name})
endfunction()

# bitten_gtest(NAME LABEL unit|integration SOURCES ... DEPS ...)
# Tests find data through tests/support/test_paths.hpp (BITTEN_SOURCE_ROOT in the environment).
function(bitten_gtest name)
  cmake_parse_arguments(A "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT A_LABEL)
    set(A_LABEL unit)
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 300)
  endif()
  add_executable(${name} ${A_SOURCES})
  add_dependencies(bitten_all_tests ${name})
  target_link_libraries(${name} PRIVATE ${A_DEPS} bitten_test_support GTest::gtest GTest::gmock GTest::gtest_main Threads::Threads)
  gtest_discover_tests(${name}
    DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS ${A_LABEL} TIMEOUT ${A_TIMEOUT}
      ENVIRONMENT "BITTEN_SOURCE_ROOT=${BITTEN_SOURCE_ROOT}")
  # (gtest_discover_tests keeps only the first entry of an ENVIRONMENT list, so tests derive the
  # shared data folder from BITTEN_SOURCE_ROOT: see tests/support/test_paths.hpp.)
endfunction()

# bitten_daemon(NAME SOURCES ... DEPS ...): a service executable placed in build/bin.
function(bitten_executable name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${A_SOURCES})
  target_link_libraries(${name} PRIVATE ${A_DEPS} Threads::Threads)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
endfunction()
