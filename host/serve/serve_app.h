// The web calculator as one function from an HTTP request to its reply, with no socket: the HTTP
// front (host/serve/http_server.h) only moves bytes, and tests call handle() directly.
//
// Routes: GET / (the page), GET /app.js and /style.css (its script and style, embedded in the
// executable), GET /api/info; POST /api/continuous/{preview,calculate,check} and
// /api/binary/{preview,calculate,check}; GET /api/check/status; POST /api/check/cancel.
//
// Status codes: 200 (answer), 202 (check started), 400 (bad input: {"errors": [{"field", "message"}]},
// "field" naming the form field, "" for the request as a whole, or invalid JSON), 403 (other host or
// origin), 404, 405, 409 (a check is already running), 413 (body too large), 415 (not JSON).
//
// Safe by default: requests whose Host header is not one of the server's own names are refused (a web
// page elsewhere cannot reach the server through DNS rebinding), POST bodies must be JSON (so a form
// on another site cannot post to it) from the server's own origin and at most max_body_bytes long,
// simulations are bounded (CheckLimits, one at a time, a time limit), every input goes through the
// engine's validators, and no request reads or writes a file.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "host/serve/check_runner.h"
#include "host/serve/check_study.h"

namespace mrtsim::serve {

struct ServeSettings {
  CheckLimits check_limits;
  RunnerSettings runner;
  std::size_t max_body_bytes = 2 * 1024 * 1024;
  // Accepted Host headers ("127.0.0.1:8080", "localhost:8080", ...); empty: any (a server bound to
  // every interface, where the user chose to be reachable).
  std::vector<std::string> allowed_hosts;
};

// The Host header values of a server at host:port: the host itself and, for a loopback address,
// localhost, 127.0.0.1 and [::1]; empty for 0.0.0.0 or :: (every interface).
std::vector<std::string> own_host_names(const std::string& host, int port);

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string path;    // without the query
  std::string host;    // the Host header
  std::string origin;  // the Origin header, "" when absent
  std::string content_type;
  std::string body;
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class ServeApp {
 public:
  explicit ServeApp(ServeSettings settings);

  // Thread-safe: the HTTP front calls it from several threads at once.
  HttpReply handle(const HttpRequest& request);

 private:
  HttpReply handle_api(const HttpRequest& request);
  bool is_allowed_host(const std::string& host) const;  // a Host header or an Origin without its scheme

  ServeSettings settings_;
  CheckRunner runner_;
};

}  // namespace mrtsim::serve
