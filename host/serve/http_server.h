// The HTTP front of the web calculator: listens on host:port and hands every request to ServeApp
// (host/serve/serve_app.h). Twin implementations: on cpp-httplib (http_server_httplib.cc, Debian's
// libcpp-httplib-dev), or reporting the server unavailable where mrtsim was built without it.
#pragma once

#include <functional>
#include <string>

#include "host/serve/serve_app.h"

namespace mrtsim::serve {

// Binds host:port (port 0: any free port), calls on_listening with the page's address, and serves
// until SIGINT or SIGTERM. UserError when the address cannot be bound or no HTTP library was built in.
// settings.allowed_hosts is filled in from the bound address.
void run_http_server(const std::string& host, int port, ServeSettings settings,
                     const std::function<void(const std::string& url)>& on_listening);

}  // namespace mrtsim::serve
