#include "host/serve/web_assets.h"

namespace mrtsim::serve {

const WebAsset* find_web_asset(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (std::size_t i = 0; i < detail::kWebAssetCount; ++i)
    if (detail::kWebAssets[i].path == path) return &detail::kWebAssets[i];
  return nullptr;
}

}  // namespace mrtsim::serve
