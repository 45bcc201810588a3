// libFuzzer harness of the MRT CSV reader (host/io/mrt_csv) and the WCLS analysis of what it reads:
// any input must end in a result or a UserError; any other exception, crash or sanitizer report is
// a bug. The roles of the columns come from the header (id, outcome, treatment, randomization
// probability, availability, then moderators/controls), the reader's options from the input's length.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/user_error.h"
#include "host/analysis/wcls_analysis.h"
#include "host/io/mrt_csv.h"

namespace {

mrtsim::MrtColumnSpec spec_from(const mrtsim::CsvTable& table, size_t size) {
  mrtsim::MrtColumnSpec spec;
  const auto& header = table.header();
  const auto column = [&](size_t k) { return k < header.size() ? header[k] : std::string("missing"); };
  spec.id = column(0);
  spec.outcome = column(1);
  spec.treatment = column(2);
  spec.rand_prob = size % 3 == 0 ? "0.4" : column(3);
  if (header.size() > 4 && size % 5 != 0) spec.availability = column(4);
  for (size_t k = 5; k < header.size() && k < 8; ++k) spec.covariates.push_back(header[k]);
  spec.every_row_complete = size % 2 == 1;
  spec.binary_outcome = size % 7 == 0;
  spec.rand_prob_on_every_row = size % 11 == 0;
  return spec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const mrtsim::CsvTable table = mrtsim::CsvTable::parse(text, "fuzz.csv");
    try {
      mrtsim::read_numeric_columns(table, "--f-file");
    } catch (const mrtsim::UserError&) {
    }
    const mrtsim::MrtColumnSpec spec = spec_from(table, size);
    mrtsim::WclsModelSpec model;
    for (size_t k = 0; k < spec.covariates.size(); ++k)
      (k % 2 == 0 ? model.controls : model.moderators).push_back(spec.covariates[k]);
    const mrtsim::WclsDesign design = mrtsim::make_wcls_design(mrtsim::read_mrt_csv(table, spec), model);
    mrtsim::analyze_wcls(design, mrtsim::JointTestForm::kHotellingT2);
  } catch (const mrtsim::UserError&) {
  }
  return 0;
}
