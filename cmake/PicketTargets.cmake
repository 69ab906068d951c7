# picket_library(<name> SRCS ... DEPS ... [TEST_DEPS ...])
#
# Folder = module = namespace = target. Creates picket_<name> (alias picket::<name>)
# and picks up, next to the sources:
#   *_test.cc       -> one GoogleTest binary each, registered with CTest
#   *_benchmark.cc  -> one Google Benchmark binary each (not run by CTest)
#   *_fuzzer.cc     -> one libFuzzer binary each (only with PICKET_FUZZERS)

add_library(picket_warnings INTERFACE)
target_compile_options(picket_warnings INTERFACE -Wall -Wextra -Wshadow=local
  -Wnon-virtual-dtor -Wno-missing-field-initializers
  $<$<BOOL:${PICKET_WERROR}>:-Werror>)

add_library(picket_sanitizers INTERFACE)
if(PICKET_SANITIZERS)
  list(JOIN PICKET_SANITIZERS "," _picket_san)
  target_compile_options(picket_sanitizers INTERFACE -fsanitize=${_picket_san}
    -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(picket_sanitizers INTERFACE -fsanitize=${_picket_san})
endif()
if(PICKET_FUZZERS)
  # Instrument every library for coverage; only *_fuzzer binaries get the driver.
  target_compile_options(picket_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()

function(picket_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;TEST_DEPS" ${ARGN})
  if(ARG_SRCS)
    add_library(picket_${name} STATIC ${ARG_SRCS})
    target_include_directories(picket_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(picket_${name} PUBLIC ${ARG_DEPS} picket_sanitizers
      PRIVATE picket_warnings)
  else()
    add_library(picket_${name} INTERFACE)
    target_include_directories(picket_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(picket_${name} INTERFACE ${ARG_DEPS} picket_sanitizers)
  endif()
  add_library(picket::${name} ALIAS picket_${name})

  file(GLOB tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_test.cc)
  foreach(test ${tests})
    get_filename_component(test_name ${test} NAME_WE)
    add_executable(${name}_${test_name} ${test})
    target_link_libraries(${name}_${test_name} PRIVATE picket_${name} ${ARG_TEST_DEPS}
      GTest::gmock GTest::gtest_main picket_warnings)
    # Signals emitted by tests are appended under this directory and checked
    # against docs/signal.schema.json by scripts/validate-signals.py.
    target_compile_definitions(${name}_${test_name} PRIVATE
      PICKET_SIGNAL_CAPTURE_DIR="${CMAKE_BINARY_DIR}/test-signals"
      PICKET_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    gtest_discover_tests(${name}_${test_name}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      PROPERTIES LABELS unit ENVIRONMENT "PICKET_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
      DISCOVERY_TIMEOUT 60)
  endforeach()

  if(PICKET_BENCHMARKS)
    file(GLOB benches CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_benchmark.cc)
    foreach(bench ${benches})
      get_filename_component(bench_name ${bench} NAME_WE)
      add_executable(${name}_${bench_name} ${bench})
      target_link_libraries(${name}_${bench_name} PRIVATE picket_${name} ${ARG_TEST_DEPS}
        benchmark::benchmark benchmark::benchmark_main picket_warnings)
      target_compile_definitions(${name}_${bench_name} PRIVATE
        PICKET_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    endforeach()
  endif()

  if(PICKET_FUZZERS)
    file(GLOB fuzzers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*_fuzzer.cc)
    foreach(fuzzer ${fuzzers})
      get_filename_component(fuzzer_name ${fuzzer} NAME_WE)
      add_executable(${name}_${fuzzer_name} ${fuzzer})
      target_link_libraries(${name}_${fuzzer_name} PRIVATE picket_${name} ${ARG_TEST_DEPS}
        picket_warnings)
      target_link_options(${name}_${fuzzer_name} PRIVATE -fsanitize=fuzzer)
    endforeach()
  endif()
endfunction()
