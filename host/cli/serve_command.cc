// `mrtsim serve`: the local web calculator (host/serve/): starts the HTTP server, prints the page's
// address and serves until Ctrl-C.
#include <cstdio>
#include <memory>
#include <string>

#include "host/cli/commands.h"
#include "host/serve/http_server.h"

namespace mrtsim::cli {
namespace {

struct ServeArguments {
  std::string host = "127.0.0.1";
  int port = 8080;
  serve::ServeSettings settings;
};

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void run(const ServeArguments& args) {
  if (!is_loopback(args.host))
    std::fprintf(stderr,
                 "mrtsim serve: warning: listening on %s, not only on this computer: anyone who can reach it can "
                 "use the calculator and run simulations here (there is no login)\n",
                 args.host.c_str());
  serve::run_http_server(args.host, args.port, args.settings, [](const std::string& url) {
    std::printf("mrtsim serve: the calculator is at %s (Ctrl-C stops it)\n", url.c_str());
    std::fflush(stdout);
  });
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArguments>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Local web calculator: sample size and power by formula (continuous and binary outcomes), and "
               "a check by simulation of a continuous design");
  cmd->add_option("--port", args->port, "TCP port (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
  cmd->add_option("--host", args->host,
                  "Address to listen on; the default serves this computer only (0.0.0.0: every interface)")
      ->capture_default_str();
  cmd->add_option("--backend", args->settings.runner.backend, "Simulation backend: auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_option("--threads", args->settings.runner.threads, "CPU threads for simulations (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--time-limit", args->settings.runner.time_limit_seconds,
                  "Seconds after which a check by simulation is stopped")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-replicates", args->settings.check_limits.max_replicates,
                  "Most replicates per hypothesis a check may ask for")
      ->check(CLI::Range(1LL, 1LL << 30))
      ->capture_default_str();
  cmd->callback([args] { run(*args); });
}

}  // namespace mrtsim::cli
