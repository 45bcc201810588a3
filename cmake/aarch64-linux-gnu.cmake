# Cross-compiles mrtsim for ARM64 Linux on a Debian x86-64 machine (scripts/check_arm_build.py):
# g++-aarch64-linux-gnu, with the ARM64 libraries that scripts/setup_arm.sh unpacks into
# .deps/arm64-sysroot (yaml-cpp, zlib, XGBoost and the C/C++ runtime); the header-only libraries
# (Eigen, Boost, CLI11, nlohmann-json) are this machine's. The programs run under qemu-user, which
# loads the sysroot's C library: one C library for the loader and the program (qemu's default prefix,
# the cross compiler's older copy, makes threaded programs hang).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

get_filename_component(MRTSIM_ARM64_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../.deps/arm64-sysroot" ABSOLUTE)
if(NOT EXISTS "${MRTSIM_ARM64_SYSROOT}/lib/ld-linux-aarch64.so.1")
  message(FATAL_ERROR "no ARM64 libraries in ${MRTSIM_ARM64_SYSROOT}: run bash scripts/setup_arm.sh")
endif()
# Libraries and their CMake packages from the sysroot first; headers and header-only packages from
# this machine as well.
set(CMAKE_FIND_ROOT_PATH "${MRTSIM_ARM64_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# The sysroot's libraries at run time (its libyaml-cpp needs its own libstdc++): -rpath-link for the
# linker, qemu's -L for the loader.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${MRTSIM_ARM64_SYSROOT}/usr/lib/aarch64-linux-gnu:${MRTSIM_ARM64_SYSROOT}/lib/aarch64-linux-gnu")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;${MRTSIM_ARM64_SYSROOT})
