#include "host/serve/serve_app.h"

#include <algorithm>
#include <functional>
#include <map>

#include "core/user_error.h"
#include "host/serve/binary_calculator.h"
#include "host/serve/continuous_calculator.h"
#include "host/serve/web_assets.h"
#include "mrtsim_version.h"

namespace mrtsim::serve {
namespace {

// Scripts, styles and connections only from the server itself; no frames, plugins or inline code.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

HttpReply json_reply(int status, const nlohmann::ordered_json& body) {
  HttpReply reply;
  reply.status = status;
  reply.body = body.dump();
  reply.headers = {{"Cache-Control", "no-store"}};
  return reply;
}

HttpReply error_reply(int status, const std::vector<FieldProblem>& problems) {
  nlohmann::ordered_json errors = nlohmann::ordered_json::array();
  for (const FieldProblem& p : problems) errors.push_back({{"field", p.field}, {"message", p.message}});
  return json_reply(status, {{"errors", errors}});
}

HttpReply error_reply(int status, const std::string& message) { return error_reply(status, {{"", message}}); }

bool is_json(const std::string& content_type) {
  const std::string type = content_type.substr(0, content_type.find(';'));
  return type == "application/json";
}

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]";
}

}  // namespace

std::vector<std::string> own_host_names(const std::string& host, int port) {
  if (host == "0.0.0.0" || host == "::" || host == "[::]") return {};
  const std::string suffix = ":" + std::to_string(port);
  std::vector<std::string> names = {(host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host) +
                                    suffix};
  if (is_loopback(host))
    for (const char* loopback : {"127.0.0.1", "localhost", "[::1]"})
      if (std::find(names.begin(), names.end(), loopback + suffix) == names.end()) names.push_back(loopback + suffix);
  return names;
}

ServeApp::ServeApp(ServeSettings settings) : settings_(std::move(settings)), runner_(settings_.runner) {}

bool ServeApp::is_allowed_host(const std::string& host) const {
  const std::vector<std::string>& hosts = settings_.allowed_hosts;
  return hosts.empty() || std::find(hosts.begin(), hosts.end(), host) != hosts.end();
}

HttpReply ServeApp::handle(const HttpRequest& request) {
  if (!is_allowed_host(request.host))
    return error_reply(403, "this server answers only requests addressed to " + settings_.allowed_hosts.front());
  if (request.path.rfind("/api/", 0) == 0) {
    try {
      return handle_api(request);
    } catch (const InvalidFields& error) {
      return error_reply(400, error.problems());
    } catch (const UserError& error) {
      return error_reply(400, error.what());
    } catch (const std::exception& error) {
      return error_reply(500, std::string("internal error: ") + error.what());
    }
  }
  if (request.method != "GET" && request.method != "HEAD") return error_reply(405, "only GET serves pages");
  const WebAsset* asset = find_web_asset(request.path);
  if (!asset) return error_reply(404, "no page at " + request.path.substr(0, 100));
  HttpReply reply;
  reply.content_type = std::string(asset->content_type);
  reply.body = std::string(asset->content);
  reply.headers = {{"Content-Security-Policy", kContentSecurityPolicy},
                   {"X-Content-Type-Options", "nosniff"},
                   {"Referrer-Policy", "no-referrer"},
                   {"Cache-Control", "no-cache"}};
  return reply;
}

HttpReply ServeApp::handle_api(const HttpRequest& request) {
  using Handler = std::function<HttpReply(const nlohmann::json&)>;
  const auto ok = [](auto&& handler) {
    return [handler](const nlohmann::json& body) { return json_reply(200, handler(body)); };
  };
  const auto check = [this](CheckStudy (*study)(const nlohmann::json&, const CheckLimits&)) -> Handler {
    return [this, study](const nlohmann::json& body) {
      const std::optional<long long> id = runner_.start(study(body, settings_.check_limits));
      if (!id) return error_reply(409, "a check by simulation is already running; wait for it or cancel it");
      return json_reply(202, runner_.status());
    };
  };
  const std::map<std::string, Handler> posts = {
      {"/api/continuous/preview", ok(continuous_preview)},
      {"/api/continuous/calculate", ok(continuous_calculate)},
      {"/api/continuous/check", check(continuous_check_study)},
      {"/api/binary/preview", ok(binary_preview)},
      {"/api/binary/calculate", ok(binary_calculate)},
      {"/api/binary/check", check(binary_check_study)},
      {"/api/check/cancel", [this](const nlohmann::json&) {
         return json_reply(runner_.cancel() ? 200 : 409, runner_.status());
       }}};

  if (request.path == "/api/info" || request.path == "/api/check/status") {
    if (request.method != "GET") return error_reply(405, request.path + " answers GET");
    if (request.path == "/api/check/status") return json_reply(200, runner_.status());
    return json_reply(200, {{"version", MRTSIM_VERSION},
                            {"max_replicates", settings_.check_limits.max_replicates},
                            {"max_participants", kMaxParticipants},
                            {"time_limit_seconds", settings_.runner.time_limit_seconds}});
  }
  const auto handler = posts.find(request.path);
  if (handler == posts.end()) return error_reply(404, "no API at " + request.path.substr(0, 100));
  if (request.method != "POST") return error_reply(405, request.path + " answers POST");
  if (!request.origin.empty() && !is_allowed_host(request.origin.substr(request.origin.find("//") + 2)))
    return error_reply(403, "requests from another web site are refused");
  if (!is_json(request.content_type)) return error_reply(415, "the request body must be JSON (application/json)");
  if (request.body.size() > settings_.max_body_bytes)
    return error_reply(413, "the request is larger than " + std::to_string(settings_.max_body_bytes) + " bytes");
  nlohmann::json body;
  try {
    body = nlohmann::json::parse(request.body.empty() ? "{}" : request.body);
  } catch (const nlohmann::json::parse_error& error) {
    return error_reply(400, std::string("the request is not valid JSON (") + error.what() + ")");
  }
  return handler->second(body);
}

}  // namespace mrtsim::serve
