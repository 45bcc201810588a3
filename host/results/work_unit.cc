#include "host/results/work_unit.h"

#include <stdexcept>

#include "core/user_error.h"

namespace mrtsim {

ShardSpec parse_shard(const std::string& text) {
  const auto bad = [&] {
    return UserError("--shard: '" + text + "' is not i/n with shards numbered 1..n (e.g. --shard 3/8)");
  };
  const size_t slash = text.find('/');
  if (slash == std::string::npos) throw bad();
  ShardSpec shard;
  try {
    size_t used_i = 0, used_n = 0;
    shard.index = std::stoi(text.substr(0, slash), &used_i);
    shard.count = std::stoi(text.substr(slash + 1), &used_n);
    if (used_i != slash || used_n != text.size() - slash - 1) throw bad();
  } catch (const std::logic_error&) {
    throw bad();
  }
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) throw bad();
  return shard;
}

}  // namespace mrtsim
