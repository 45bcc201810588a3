// Sub-commands of the mrtsim executable. Each add_*_command registers one sub-command (its options
// and its callback) on the top-level CLI11 app; main.cc calls them in the order of the help text.
#pragma once

#include <CLI/CLI.hpp>

namespace mrtsim::cli {

void add_run_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_replicate_command(CLI::App& app);
void add_samplesize_commands(CLI::App& app);
void add_wcls_command(CLI::App& app);
void add_emee_command(CLI::App& app);
void add_dcee_command(CLI::App& app);
void add_permute_command(CLI::App& app);
void add_serve_command(CLI::App& app);

}  // namespace mrtsim::cli
