// Text of the CSV tables mrtsim writes (study tables, the per-replicate table).
#pragma once

#include <string>

namespace mrtsim {

// `text` as one CSV field: quoted (with doubled quotes) where it holds a comma, quote or newline.
std::string csv_field(const std::string& text);

// A double as a CSV field that reads back as the same double (17 significant digits): "" for NaN (R's
// NA), "Inf" / "-Inf" for infinities (R's read.csv reads them as numbers).
std::string exact_number(double value);

}  // namespace mrtsim
