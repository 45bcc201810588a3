# Finds what mrtsim builds against: the optional CUDA toolkit and MPI, and the required libraries.

# CUDA: built wherever nvcc exists (AUTO), forced ON, or OFF. A user's (or a parent project's)
# CMAKE_CUDA_ARCHITECTURES is kept; the default is every major architecture the toolkit supports
# (all-major: sm_75, 80, 90, 100, 110, 120 with CUDA 13) plus PTX for the newest.
include(CheckLanguage)
set(MRTSIM_HAVE_CUDA OFF)
if(NOT MRTSIM_ENABLE_CUDA STREQUAL "OFF")
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      set(CMAKE_CUDA_ARCHITECTURES all-major)
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    set(MRTSIM_HAVE_CUDA ON)
  elseif(MRTSIM_ENABLE_CUDA STREQUAL "ON")
    message(FATAL_ERROR "MRTSIM_ENABLE_CUDA=ON but no CUDA compiler was found")
  endif()
endif()
message(STATUS "mrtsim: CUDA backend ${MRTSIM_HAVE_CUDA} (architectures: ${CMAKE_CUDA_ARCHITECTURES})")

set(MRTSIM_HAVE_MPI OFF)
if(NOT MRTSIM_ENABLE_MPI STREQUAL "OFF")
  find_package(MPI COMPONENTS CXX)
  if(MPI_CXX_FOUND)
    set(MRTSIM_HAVE_MPI ON)
  elseif(MRTSIM_ENABLE_MPI STREQUAL "ON")
    message(FATAL_ERROR "MRTSIM_ENABLE_MPI=ON but no MPI installation was found")
  endif()
endif()
message(STATUS "mrtsim: MPI support ${MRTSIM_HAVE_MPI}")

# XGBoost's C API backs the random-forest nuisance learner (host/learners/random_forest_xgboost.cc);
# AUTO uses it where found, ON requires it, OFF leaves it out (then `--learner rf` reports itself
# unavailable and everything else builds). Found by header and library because Debian's
# xgboost-config.cmake (libxgboost-dev 1.7.4) names the `xgboost` CLI, which that package lacks.
set(MRTSIM_HAVE_XGBOOST OFF)
if(NOT MRTSIM_ENABLE_XGBOOST STREQUAL "OFF")
  find_path(XGBOOST_INCLUDE_DIR xgboost/c_api.h)
  find_library(XGBOOST_LIBRARY xgboost)
  if(XGBOOST_INCLUDE_DIR AND XGBOOST_LIBRARY)
    set(MRTSIM_HAVE_XGBOOST ON)
  elseif(MRTSIM_ENABLE_XGBOOST STREQUAL "ON")
    message(FATAL_ERROR "MRTSIM_ENABLE_XGBOOST=ON but xgboost/c_api.h or libxgboost was not found")
  endif()
endif()
message(STATUS "mrtsim: XGBoost random forests ${MRTSIM_HAVE_XGBOOST}")

# cpp-httplib (Debian's libcpp-httplib-dev, a compiled library found by pkg-config, whose flags must be
# used as given: they shape its classes) backs `mrtsim serve` (host/serve/http_server_httplib.cc);
# AUTO uses it where found, ON requires it, OFF leaves it out (then `mrtsim serve` reports itself
# unavailable; the calculator's request handlers are built and tested either way).
set(MRTSIM_ENABLE_SERVE AUTO CACHE STRING "Build the HTTP server of mrtsim serve on cpp-httplib: AUTO, ON or OFF")
set(MRTSIM_HAVE_HTTPLIB OFF)
if(NOT MRTSIM_ENABLE_SERVE STREQUAL "OFF")
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
  endif()
  if(HTTPLIB_FOUND)
    set(MRTSIM_HAVE_HTTPLIB ON)
  elseif(MRTSIM_ENABLE_SERVE STREQUAL "ON")
    message(FATAL_ERROR "MRTSIM_ENABLE_SERVE=ON but pkg-config found no cpp-httplib (apt-get install libcpp-httplib-dev)")
  endif()
endif()
message(STATUS "mrtsim: HTTP server for mrtsim serve ${MRTSIM_HAVE_HTTPLIB}")

find_package(OpenMP REQUIRED COMPONENTS CXX)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Boost 1.71 REQUIRED)
# zlib: the per-replicate table (output.replicates) is written gzip-compressed.
find_package(ZLIB REQUIRED)

# Flags of all C++ code (set on mrtsim_core, so every layer, test and tool gets them; nvcc's device
# code has its own, CMakeLists.txt). -ffp-contract=off: g++ fuses a * b + c into one fma even in ISO
# C++ mode wherever the target has FMA (every ARM64 CPU; x86-64 with -march), which changes the
# last bits of the models (the Monte Carlo truths, the learners' cohorts) and of the estimators;
# with it, what the source writes as fma is fused and nothing else, so a study gives the same tables
# on x86-64 with or without -march and on ARM (scripts/check_arm_identity.sh). -march for host code
# with MRTSIM_CPU_ARCH.
set(MRTSIM_HOST_ARCH_FLAGS $<$<COMPILE_LANGUAGE:CXX>:-ffp-contract=off>)
if(MRTSIM_CPU_ARCH)
  include(CheckCXXCompilerFlag)
  check_cxx_compiler_flag("-march=${MRTSIM_CPU_ARCH}" MRTSIM_HAVE_CPU_ARCH)
  if(MRTSIM_HAVE_CPU_ARCH)
    list(APPEND MRTSIM_HOST_ARCH_FLAGS $<$<COMPILE_LANGUAGE:CXX>:-march=${MRTSIM_CPU_ARCH}>)
  endif()
endif()
