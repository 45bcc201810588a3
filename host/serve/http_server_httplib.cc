// http_server.h on cpp-httplib: a small, maintained, MIT-licensed HTTP/1.1 server packaged by Debian
// (libcpp-httplib-dev, a compiled library; its compile definitions come from pkg-config). Its thread
// pool serves several browser requests at once; ServeApp does everything else.
#include "host/serve/http_server.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <httplib.h>

#include "core/user_error.h"

namespace mrtsim::serve {
namespace {

HttpRequest app_request(const httplib::Request& request) {
  HttpRequest app;
  app.method = request.method;
  app.path = request.path;
  app.host = request.get_header_value("Host");
  app.origin = request.get_header_value("Origin");
  app.content_type = request.get_header_value("Content-Type");
  app.body = request.body;
  return app;
}

void send(const HttpReply& reply, httplib::Response& response) {
  response.status = reply.status;
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
  response.set_content(reply.body, reply.content_type.c_str());
}

// While alive: SIGINT and SIGTERM are blocked in this thread and every thread it starts (the
// server's pool, the simulation runner), and a watcher thread takes them and stops the server.
class StopOnSignal {
 public:
  explicit StopOnSignal(httplib::Server& server) {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, &previous_);
    watcher_ = std::thread([this, &server] {
      const timespec poll{0, 100'000'000};
      bool signalled = false;
      while (!done_) {
        signalled = signalled || sigtimedwait(&signals_, nullptr, &poll) > 0;
        if (signalled) server.stop();  // again until listen() has returned, in case it had not started yet
      }
    });
  }
  ~StopOnSignal() {
    done_ = true;
    watcher_.join();
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  sigset_t signals_{}, previous_{};
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

std::string url_host(const std::string& host) {
  if (host == "0.0.0.0") return "127.0.0.1";
  if (host == "::" || host == "[::]") return "[::1]";
  return host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
}

}  // namespace

void run_http_server(const std::string& host, int port, ServeSettings settings,
                     const std::function<void(const std::string& url)>& on_listening) {
  httplib::Server server;
  require_input(port >= 0 && port <= 65535, "--port must be in 0..65535 (got " + std::to_string(port) + ")");
  const int bound = port == 0 ? server.bind_to_any_port(host) : (server.bind_to_port(host, port) ? port : -1);
  require_input(bound > 0, "mrtsim serve: cannot listen on " + host + ":" + std::to_string(port) +
                               " (address in use, or not an address of this machine)");
  settings.allowed_hosts = own_host_names(host, bound);
  server.set_payload_max_length(settings.max_body_bytes);
  ServeApp app(std::move(settings));
  const httplib::Server::Handler handler = [&app](const httplib::Request& request, httplib::Response& response) {
    send(app.handle(app_request(request)), response);
  };
  // Every method reaches the app, which answers 405 where a path does not take it.
  server.Get(".*", handler).Post(".*", handler).Put(".*", handler).Patch(".*", handler).Delete(".*", handler);
  server.Options(".*", handler);
  // Bodies over the limit are refused by the library before they reach the app: say why, as JSON.
  server.set_error_handler([](const httplib::Request&, httplib::Response& response) {
    if (response.status == 413)
      response.set_content(R"({"errors":[{"field":"","message":"the request is too large"}]})", "application/json");
  });
  const StopOnSignal stop_on_signal(server);
  on_listening("http://" + url_host(host) + ":" + std::to_string(bound) + "/");
  server.listen_after_bind();
}

}  // namespace mrtsim::serve
