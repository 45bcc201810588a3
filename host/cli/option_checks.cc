#include "host/cli/option_checks.h"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/user_error.h"

namespace mrtsim::cli {

namespace {

// The text as a whole decimal integer within [min, max]; false when it is not one.
bool parse_integer(const std::string& text, long long min, long long max, long long* value) {
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text.back())))) return false;
  char* end = nullptr;
  errno = 0;
  const long long parsed = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size() || parsed < min || parsed > max) return false;
  *value = parsed;
  return true;
}

}  // namespace

uint64_t parse_seed(const std::string& text, const std::string& option) {
  bool digits_only = !text.empty() && text.size() <= 20;
  for (char c : text) digits_only = digits_only && c >= '0' && c <= '9';
  if (digits_only) {
    errno = 0;
    const unsigned long long seed = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == 0) return seed;
  }
  throw UserError(option + ": '" + text + "' is not a seed (an integer from 0 to 18446744073709551615)");
}

CLI::Validator seed_text() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          parse_seed(text, "");
        } catch (const UserError&) {
          return "'" + text + "' is not a seed (an integer from 0 to 18446744073709551615)";
        }
        return {};
      },
      "SEED", "seed");
}

CLI::Validator integer_range(long long min, long long max) {
  const std::string bounds = std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, bounds](std::string& text) -> std::string {
        long long value = 0;
        if (!parse_integer(text, min, max, &value)) return "'" + text + "' is not an integer from " + bounds;
        return {};
      },
      "INT in " + bounds, "integer range");
}

CLI::Option* add_threads_option(CLI::App* command, int& threads, const std::string& help) {
  return command->add_option("--threads", threads, help + " (at most " + std::to_string(kMaxThreads) + ")")
      ->check(integer_range(0, kMaxThreads));
}

void prepare_output_folder(const std::string& dir, const std::string& option) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_directory(dir, error))
    throw UserError(option + " '" + dir + "' is a file; give a folder for what this command writes");
  fs::create_directories(dir, error);
  if (error) throw UserError(option + " '" + dir + "': cannot create the folder (" + error.message() + ")");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw UserError(option + " '" + dir + "': this folder is not writable (" + std::strerror(errno) + ")");
}

}  // namespace mrtsim::cli
