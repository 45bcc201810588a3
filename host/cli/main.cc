// mrtsim: simulation and resampling engine for micro-randomized trials.
#include <iostream>

#include <CLI/CLI.hpp>

#include "host/cli/commands.h"
#include "core/user_error.h"
#include "mrtsim_version.h"

int main(int argc, char** argv) {
  CLI::App app{"mrtsim " MRTSIM_VERSION ": simulation studies, sample sizes and analyses for micro-randomized trials"};
  app.set_version_flag("--version", std::string("mrtsim ") + MRTSIM_VERSION);
  app.require_subcommand(1);
  mrtsim::cli::add_run_command(app);
  mrtsim::cli::add_merge_command(app);
  mrtsim::cli::add_replicate_command(app);
  mrtsim::cli::add_samplesize_commands(app);
  mrtsim::cli::add_wcls_command(app);
  mrtsim::cli::add_emee_command(app);
  mrtsim::cli::add_dcee_command(app);
  mrtsim::cli::add_permute_command(app);
  mrtsim::cli::add_serve_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here with status 0; a bad command line is an input error (2).
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const mrtsim::UserError& e) {
    std::cerr << "mrtsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "mrtsim: internal error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}
