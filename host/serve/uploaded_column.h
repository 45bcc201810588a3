// A column of numbers uploaded through the web calculator (randomization probabilities or
// availabilities per day or per decision point). The browser sends the file's text inside the JSON
// request, so the server never touches the file system for it. One value per line; a first line that
// is not a number is a header (so both the `--rand-prob-file` format of the continuous formula and the
// one-column CSV files of the binary formula are read); blank lines are skipped.
#pragma once

#include <string>
#include <vector>

#include "host/serve/request_fields.h"

namespace mrtsim::serve {

// The values; UserError naming `file_name` and the line when a line is not one finite number or the
// text holds no value.
std::vector<double> parse_uploaded_column(const std::string& text, const std::string& file_name);

// The uploaded column of the fields NAME_file_name and NAME_file_text ("choose a file of `what`" when
// none was sent); problems go to the field NAME_file. `file_name` gets the file's name for messages.
std::vector<double> read_uploaded_column(RequestFields& fields, const std::string& name, const std::string& what,
                                         std::string& file_name);

}  // namespace mrtsim::serve
