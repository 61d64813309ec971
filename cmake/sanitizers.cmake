# SPIKEFORGE_SANITIZE: sanitizers compiled into every target of the tree (library, tests,
# examples, CLI, Python module), e.g. "address,undefined" or "thread". Empty: none.
# Findings are fatal (-fno-sanitize-recover=all): a UBSan report fails the test that hit it.
#
# SPIKEFORGE_SANITIZER_RUNTIME is set to the shared sanitizer runtime of the compiler (libasan.so,
# libtsan.so) when one is needed: an uninstrumented host program that loads an instrumented module
# (python3 importing spikeforge._core) must preload it (LD_PRELOAD), see tests/CMakeLists.txt.
set(SPIKEFORGE_SANITIZE "" CACHE STRING
  "Sanitizers for every target: address,undefined | address | undefined | thread | empty for none")
set(SPIKEFORGE_SANITIZER_RUNTIME "")
if(SPIKEFORGE_SANITIZE)
  string(REPLACE "," ";" _sanitizers "${SPIKEFORGE_SANITIZE}")
  foreach(_s IN LISTS _sanitizers)
    if(NOT _s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "SPIKEFORGE_SANITIZE=${SPIKEFORGE_SANITIZE}: '${_s}' is not one of "
        "address, undefined, thread, leak (comma-separated)")
    endif()
  endforeach()
  if("thread" IN_LIST _sanitizers AND ("address" IN_LIST _sanitizers OR "leak" IN_LIST _sanitizers))
    message(FATAL_ERROR "SPIKEFORGE_SANITIZE=${SPIKEFORGE_SANITIZE}: thread cannot be combined "
      "with address or leak (one build per runtime)")
  endif()
  add_compile_options(-fsanitize=${SPIKEFORGE_SANITIZE} -fno-sanitize-recover=all
    -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${SPIKEFORGE_SANITIZE})
  if("address" IN_LIST _sanitizers)
    set(_runtime asan)
  elseif("thread" IN_LIST _sanitizers)
    set(_runtime tsan)
  endif()
  if(_runtime)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      set(_runtime_file lib${_runtime}.so)
    else()
      set(_runtime_file libclang_rt.${_runtime}-${CMAKE_SYSTEM_PROCESSOR}.so)
    endif()
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${_runtime_file}
      OUTPUT_VARIABLE SPIKEFORGE_SANITIZER_RUNTIME OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT IS_ABSOLUTE "${SPIKEFORGE_SANITIZER_RUNTIME}" OR NOT EXISTS "${SPIKEFORGE_SANITIZER_RUNTIME}")
      message(FATAL_ERROR "SPIKEFORGE_SANITIZE=${SPIKEFORGE_SANITIZE}: the compiler's shared "
        "runtime ${_runtime_file} was not found (install the compiler's sanitizer runtime)")
    endif()
  endif()
  if(SPIKEFORGE_SANITIZER_RUNTIME AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # python3 does not link libstdc++: loaded only later (with the module), its __cxa_throw is
    # missing when ASan installs its interceptors, and the first C++ exception aborts with
    # "CHECK failed: ... real___cxa_throw". Preloaded behind the runtime, it is there in time.
    execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libstdc++.so.6
      OUTPUT_VARIABLE _libstdcxx OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(IS_ABSOLUTE "${_libstdcxx}" AND EXISTS "${_libstdcxx}")
      set(SPIKEFORGE_SANITIZER_RUNTIME "${SPIKEFORGE_SANITIZER_RUNTIME}:${_libstdcxx}")
    endif()
  endif()
  message(STATUS "spikeforge: sanitizers ${SPIKEFORGE_SANITIZE}, runtime '${SPIKEFORGE_SANITIZER_RUNTIME}'")
endif()

# SPIKEFORGE_FUZZ: builds the libFuzzer harnesses of tests/fuzz (clang only). Every target gets
# libFuzzer's coverage instrumentation (-fsanitize=fuzzer-no-link) so that the fuzzers see the
# branches of the library code they drive (the file loader lives in src/model).
option(SPIKEFORGE_FUZZ "Build the libFuzzer harnesses (clang, with SPIKEFORGE_SANITIZE)" OFF)
if(SPIKEFORGE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SPIKEFORGE_FUZZ=ON needs clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}: "
      "configure with -DCMAKE_CXX_COMPILER=clang++-14 (the `fuzz` preset does)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
