# Sanitizer and fuzzer builds (scripts/test.sh builds one with clang into build-sanitize):
#   MRTSIM_SANITIZE=ON        every target with AddressSanitizer and UndefinedBehaviorSanitizer (any
#                             report aborts), for the test suite on the CPU backend;
#   MRTSIM_BUILD_FUZZERS=ON   the libFuzzer harnesses of tests/fuzz (clang only), with the project's
#                             code instrumented for libFuzzer's coverage feedback.
# Both apply to every target defined after this file is included.
option(MRTSIM_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(MRTSIM_BUILD_FUZZERS "Build the libFuzzer harnesses of tests/fuzz (needs clang)" OFF)

if(MRTSIM_SANITIZE)
  set(MRTSIM_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:${MRTSIM_SANITIZER_FLAGS}>")
  add_link_options(${MRTSIM_SANITIZER_FLAGS})
endif()

if(MRTSIM_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MRTSIM_BUILD_FUZZERS needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  add_compile_options("$<$<COMPILE_LANGUAGE:CXX>:-fsanitize=fuzzer-no-link>")
endif()
