// libFuzzer harness of the sample-size option parser: `mrtsim samplesize` and `mrtsim power` (host/cli/
// samplesize_command, binary_sizing) parse the command line the input spells (one argument per line,
// the first being the sub-command), check it and compute what it asks for. Every input must end in a
// result or an input error (UserError or a CLI11 parse error); any other exception, crash or sanitizer
// report is a bug. Outside the harness's remit, and skipped: --out (it writes files), paths (it would
// read any file), and sizes beyond a few thousand (a legitimate scan of 10^6 participants is work,
// not a bug).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/user_error.h"
#include "host/cli/commands.h"

namespace {

// Options whose value sets the amount of work.
const std::set<std::string> kWorkOptions = {"--days", "--decisions-per-day", "--decision-points", "--max-n",
                                            "--n-range", "--power-levels", "--n"};

bool within_fuzz_budget(const std::vector<std::string>& arguments) {
  for (size_t i = 0; i < arguments.size(); ++i) {
    const std::string& a = arguments[i];
    if (a.find("--out") == 0 || a.find('/') != std::string::npos) return false;
    const size_t equals = a.find('=');
    const std::string name = a.substr(0, equals);
    if (!kWorkOptions.count(name)) continue;
    const std::string value = equals != std::string::npos ? a.substr(equals + 1)
                              : i + 1 < arguments.size() ? arguments[i + 1]
                                                         : "";
    // Up to four digits per number (N <= 9999), and short ranges of levels.
    int digits = 0;
    for (char c : value) {
      digits = (c >= '0' && c <= '9') ? digits + 1 : 0;
      if (digits > 4) return false;
    }
    if (name == "--power-levels" && value.find("0.00") != std::string::npos) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!std::freopen("/dev/null", "w", stdout)) std::abort();  // tables and JSON: not the harness's concern
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> arguments{"mrtsim"};
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(lines, line);) arguments.push_back(line);
  if (arguments.size() < 2 || arguments.size() > 64 || !within_fuzz_budget(arguments)) return 0;
  std::vector<char*> argv;
  for (std::string& a : arguments) argv.push_back(a.data());
  CLI::App app{"mrtsim"};
  app.require_subcommand(1);
  mrtsim::cli::add_samplesize_commands(app);
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::Error&) {
  } catch (const mrtsim::UserError&) {
  }
  return 0;
}
