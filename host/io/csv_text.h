// Text of the CSV tables mrtsim writes (study tables, the per-replicate table).
#pragma once

#include <string>

namespace mrtsim {

// `text` as one CSV field: quoted (with doubled quotes) where it holds a comma, quote or newline.
std::string csv_field(const std::string& text);

}  // namespace mrtsim
