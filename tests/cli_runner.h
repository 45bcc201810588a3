// Runs the mrtsim executable (MRTSIM_BINARY) with arguments through the shell and captures its exit
// status, stdout and stderr, for end-to-end command-line tests.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

namespace mrtsim::testing_support {

struct CommandResult {
  int exit_code;
  std::string out;
  std::string err;
};

inline CommandResult run_mrtsim(const std::string& arguments) {
  static int call = 0;
  const std::string err_path =
      (std::filesystem::path(::testing::TempDir()) /
       ("mrtsim_cli_" + std::to_string(::getpid()) + "_" + std::to_string(++call) + ".err"))
          .string();  // the pid: ctest runs test processes in parallel
  const std::string command = std::string("'") + MRTSIM_BINARY + "' " + arguments + " 2>'" + err_path + "'";
  CommandResult result{-1, "", ""};
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
  return result;
}

}  // namespace mrtsim::testing_support
