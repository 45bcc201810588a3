// Reading the text files users hand to mrtsim (study files, data sets, design files) with errors that
// say what is wrong with the path, and splitting text into lines whatever the line endings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mrtsim {

// The whole file, without a leading UTF-8 byte-order mark. UserError naming `path` and `what` (e.g.
// "study file", "--data") when it is missing, a directory or unreadable.
std::string read_text_file(const std::string& path, const std::string& what);

// The lines of `text`, each ended by LF, CR LF or a lone CR (old Mac files), without the ending; a
// last line without an ending counts.
std::vector<std::string_view> text_lines(std::string_view text);

}  // namespace mrtsim
