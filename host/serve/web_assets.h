// The web calculator's page, script and style (host/serve/web/), embedded in the executable at build
// time (cmake/embed_web_assets.cmake writes them into a generated source), so `mrtsim serve` needs no
// files at run time and never serves anything from the file system.
#pragma once

#include <string_view>

namespace mrtsim::serve {

struct WebAsset {
  std::string_view path;          // "/index.html", "/app.js", ...
  std::string_view content_type;  // with charset for text
  std::string_view content;
};

// The asset served at `path` ("/" is /index.html), or nullptr.
const WebAsset* find_web_asset(std::string_view path);

namespace detail {
// Defined in the generated source.
extern const WebAsset kWebAssets[];
extern const std::size_t kWebAssetCount;
}  // namespace detail

}  // namespace mrtsim::serve
