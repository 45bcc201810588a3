// Option values that several sub-commands take, checked the same way everywhere: seeds, thread
// counts and integer ranges, with messages that name the option and give readable bounds.
#pragma once

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "kernels/replicate_launch.h"

namespace mrtsim::cli {

// More threads than this are refused (kernels/replicate_launch.h says why).
constexpr int kMaxThreads = kMaxCpuThreads;

// A seed: a decimal integer in [0, 2^64 - 1], written without sign. Anything else (negative, too
// large, empty, trailing text) is a UserError naming `option`.
uint64_t parse_seed(const std::string& text, const std::string& option);

// Validator of the same rule, for options that CLI11 converts itself.
CLI::Validator seed_text();

// Validator of an integer in [min, max] (CLI11's own range checks print doubles, a 309-digit
// maximum for unbounded ones).
CLI::Validator integer_range(long long min, long long max);

// Creates `dir` (named `option` in errors) where it does not exist; a file there, a folder that cannot
// be created or one this process cannot write is a UserError.
void prepare_output_folder(const std::string& dir, const std::string& option);

// --threads N: 0 (all cores) to kMaxThreads.
CLI::Option* add_threads_option(CLI::App* command, int& threads, const std::string& help);

}  // namespace mrtsim::cli
