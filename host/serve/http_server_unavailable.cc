// http_server.h where mrtsim was built without cpp-httplib (MRTSIM_ENABLE_SERVE=OFF or not found).
#include "host/serve/http_server.h"

#include "core/user_error.h"

namespace mrtsim::serve {

void run_http_server(const std::string&, int, ServeSettings, const std::function<void(const std::string&)>&) {
  throw UserError(
      "mrtsim serve: this build has no HTTP server; install libcpp-httplib-dev (scripts/setup.sh does) and rebuild");
}

}  // namespace mrtsim::serve
