# The Google Benchmark C shim (harness/bench/gbench_shim.h): the project's only C++.
# Included from the top-level CMakeLists.txt:  include(harness/bench/gbench_shim.cmake)
# Defines chanmul_gbench_shim (static; C callers link it like any C library:
# CMake sees its C++ object and links the executable with the C++ driver) and,
# with CHANMUL_BUILD_TESTS, the ctest "gbench_shim".

find_package(benchmark REQUIRED)

add_library(chanmul_gbench_shim STATIC ${CMAKE_SOURCE_DIR}/harness/bench/gbench_shim.cc)
target_include_directories(chanmul_gbench_shim PUBLIC ${CMAKE_SOURCE_DIR}/harness/bench)
target_link_libraries(chanmul_gbench_shim PUBLIC benchmark::benchmark)
target_compile_features(chanmul_gbench_shim PRIVATE cxx_std_17)

if(CHANMUL_BUILD_TESTS)
  enable_testing()
  add_executable(test_gbench_shim ${CMAKE_SOURCE_DIR}/tests/test_gbench_shim.c)
  target_link_libraries(test_gbench_shim PRIVATE chanmul_gbench_shim m)
  add_test(NAME gbench_shim COMMAND test_gbench_shim)
  # Each scenario runs in a child process with its own alarm; this is the backstop.
  set_tests_properties(gbench_shim PROPERTIES TIMEOUT 120)
endif()
