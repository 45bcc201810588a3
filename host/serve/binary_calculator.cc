#include "host/serve/binary_calculator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/user_error.h"
#include "host/io/svg_line_chart.h"
#include "host/samplesize/liao_formula.h"
#include "host/serve/uploaded_column.h"
#include "sims/shapes.h"

namespace mrtsim::serve {
namespace {

constexpr double kUnbounded = std::numeric_limits<double>::max();
constexpr const char* kCurveTitle = "Power against the number of participants (Cohn et al. 2023)";
constexpr int kSmallN = 10;  // the package's guard: N <= 10 only with less_than_10_possible

// The fields of the SPNC (`spnc`) or relative-risk (`rr`) curve: NAME_shape, NAME_value, ... named in
// the engine's messages as --NAME, --NAME-value, ... (host/samplesize/binary_calculator_inputs.h).
void add_curve_fields(std::vector<FieldSpec>& fields, const std::string& name, const std::string& what,
                      const std::string& value_kind) {
  fields.push_back({name + "_shape", what + " pattern", "--" + name});
  fields.push_back({name + "_value", value_kind, "--" + name + "-value"});
  fields.push_back({name + "_initial", value_kind + " at t = 1", "--" + name + "-initial"});
  fields.push_back({name + "_final", "Final " + value_kind, "--" + name + "-final"});
  fields.push_back({name + "_change_point", "Decision point where the " + value_kind + " turns", "--" + name + "-change-point"});
  fields.push_back({name + "_change_value", value_kind + " at the turn", "--" + name + "-change-value"});
}

LogCurveSpec read_curve(RequestFields& fields, const std::string& prefix, bool probability) {
  LogCurveSpec spec;
  spec.option = "--" + prefix;
  spec.probability = probability;
  spec.shape = parse_log_curve_shape(
      fields.choice(prefix + "_shape", {"constant", "log-linear", "log-quadratic"}, "constant"), spec.option);
  switch (spec.shape) {
    case LogCurveShape::kConstant: spec.value = fields.number(prefix + "_value", -kUnbounded, kUnbounded); break;
    case LogCurveShape::kLogLinear:
      spec.initial = fields.number(prefix + "_initial", -kUnbounded, kUnbounded);
      spec.final = fields.number(prefix + "_final", -kUnbounded, kUnbounded);
      break;
    case LogCurveShape::kLogQuadratic:
      spec.initial = fields.number(prefix + "_initial", -kUnbounded, kUnbounded);
      spec.change_point = fields.number(prefix + "_change_point", -kUnbounded, kUnbounded);
      spec.change_value = fields.number(prefix + "_change_value", -kUnbounded, kUnbounded);
      break;
  }
  return spec;
}

std::vector<std::string> curve_fields(const std::string& prefix) {
  return {prefix + "_shape", prefix + "_value", prefix + "_initial", prefix + "_final", prefix + "_change_point",
          prefix + "_change_value"};
}

bool any_problem(const RequestFields& fields, const std::vector<std::string>& names) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& f) { return fields.has_problem(f); });
}

Eigen::VectorXd as_vector(const std::vector<double>& values) {
  return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}

std::vector<double> as_std(const Eigen::VectorXd& values) { return {values.data(), values.data() + values.size()}; }

std::string curve_text(const LogCurveSpec& spec) {
  switch (spec.shape) {
    case LogCurveShape::kConstant: return "constant " + input_value_text(spec.value);
    case LogCurveShape::kLogLinear:
      return "log-linear " + input_value_text(spec.initial) + " to " + input_value_text(spec.final);
    case LogCurveShape::kLogQuadratic:
      return "log-quadratic " + input_value_text(spec.initial) + ", " + input_value_text(spec.change_value) +
             " at t = " + input_value_text(spec.change_point);
  }
  return "";
}


void add_curve_arguments(std::string& command, const LogCurveSpec& spec) {
  command += " " + spec.option + " " + log_curve_shape_name(spec.shape);
  const auto add = [&](const char* suffix, double value) {
    command += " " + spec.option + suffix + "=" + exact_number_text(value);
  };
  switch (spec.shape) {
    case LogCurveShape::kConstant: add("-value", spec.value); break;
    case LogCurveShape::kLogLinear:
      add("-initial", spec.initial);
      add("-final", spec.final);
      break;
    case LogCurveShape::kLogQuadratic:
      add("-initial", spec.initial);
      add("-change-point", spec.change_point);
      add("-change-value", spec.change_value);
      break;
  }
}

// The `mrtsim samplesize|power --outcome binary` command with the same inputs; "" when the
// availability is a linear or quadratic pattern, which the command line takes only as a file.
std::string equivalent_command(const BinaryDesign& design, const SizingGoal& goal) {
  const std::optional<ShapeSpec>& availability = design.availability_pattern;
  if (availability && availability->kind != ShapeKind::kConstant) return "";
  std::string command = std::string("mrtsim ") + (goal.sample_size ? "samplesize" : "power") +
                        " --outcome binary --days " + std::to_string(design.days) + " --decisions-per-day " +
                        std::to_string(design.decisions_per_day);
  command += availability ? " --avail-mean " + exact_number_text(availability->mean)
                          : " --avail-file " + shell_word(design.availability_file);
  command += design.rand_prob_file.empty() ? " --rand-prob " + exact_number_text(design.rand_prob.front())
                                           : " --rand-prob-file " + shell_word(design.rand_prob_file);
  add_curve_arguments(command, design.spnc);
  add_curve_arguments(command, design.rr);
  const bool log_linear =
      design.spnc.shape == LogCurveShape::kLogLinear || design.rr.shape == LogCurveShape::kLogLinear;
  if (log_linear && design.loglinear_end == LogLinearEnd::kLast) command += " --loglinear-final-at m";
  command += " --type1 " + exact_number_text(design.inputs.type1);
  if (design.allow_small_n) command += " --allow-n-below-10";
  return command + (goal.sample_size ? " --power " + exact_number_text(goal.target_power) : " --n " + std::to_string(goal.n));
}

// SPNC and success probability under treatment, and the relative risk, per decision point.
struct BinaryCurves {
  std::vector<double> spnc, treated, relative_risk;
};

BinaryCurves binary_curves(const BinaryDesign& design) {
  const Eigen::VectorXd log_spnc = design.inputs.g * design.inputs.alpha;
  const Eigen::VectorXd log_rr = design.inputs.f * design.inputs.beta;
  BinaryCurves curves;
  for (Eigen::Index t = 0; t < log_spnc.size(); ++t) {
    curves.spnc.push_back(std::exp(log_spnc[t]));
    curves.relative_risk.push_back(std::exp(log_rr[t]));
    curves.treated.push_back(std::exp(log_spnc[t] + log_rr[t]));
  }
  return curves;
}

std::string success_probability_chart(const BinaryCurves& curves) {
  ChartSeries control{"no treatment", {}, curves.spnc, "#1f5fa8"};
  ChartSeries treated{"treatment", {}, curves.treated, "#c0392b"};
  for (std::size_t t = 0; t < curves.spnc.size(); ++t) {
    control.x.push_back(static_cast<double>(t + 1));
    treated.x.push_back(static_cast<double>(t + 1));
  }
  LineChart chart;
  chart.title = "Success probability";
  chart.x_label = "decision point t";
  chart.y_label = "probability";
  chart.series = {control, treated};
  chart.width = 420;
  chart.height = 260;
  chart.y_min = 0.0;
  chart.y_max = 1.0;
  return line_chart_svg(chart);
}

int first_valid_n(const BinaryDesign& design) {
  const int p = static_cast<int>(design.inputs.f.cols()), q = static_cast<int>(design.inputs.g.cols());
  return design.allow_small_n ? p + q + 1 : std::max(kSmallN + 1, p + q + 1);
}

nlohmann::ordered_json power_levels_json(const BinaryDesign& design) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (double level : table_power_levels()) {
    try {
      rows.push_back(power_level_row(level, cohn_power_summary(design.inputs, {level}, design.allow_small_n)[0].n, ""));
    } catch (const UserError& error) {
      rows.push_back(power_level_row(level, std::nullopt, attribute_engine_message(error.what(), binary_fields()).message));
    }
  }
  return rows;
}

nlohmann::ordered_json problems_json(const std::vector<FieldProblem>& problems) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const FieldProblem& p : problems) rows.push_back({{"field", p.field}, {"message", p.message}});
  return rows;
}

}  // namespace

std::string binary_design_summary(const BinaryDesign& design) {
  const std::string rand_prob =
      design.rand_prob_file.empty() ? input_value_text(design.rand_prob.front()) : "from " + design.rand_prob_file;
  const std::string availability = design.availability_pattern ? shape_summary(*design.availability_pattern)
                                                                 : "from " + design.availability_file;
  return std::to_string(design.days) + " days x " + std::to_string(design.decisions_per_day) + " decisions; rand. prob. " +
         rand_prob + "; availability " + availability + "; SPNC " + curve_text(design.spnc) + "; RR " +
         curve_text(design.rr) + "; type I error " + input_value_text(design.inputs.type1);
}

std::vector<FieldSpec> binary_fields() {
  std::vector<FieldSpec> fields = timeline_fields("--avail-file");
  const std::vector<FieldSpec> binary_only = {
      {"loglinear_final_at", "A log-linear pattern reaches its final value at", "--loglinear-final-at"},
      {"alpha", "Type I error", "--type1"},
      {"allow_small_n", "Allow N <= 10", "--allow-n-below-10"}};
  fields.insert(fields.end(), binary_only.begin(), binary_only.end());
  add_curve_fields(fields, "spnc", "Success probability", "Success probability");
  add_curve_fields(fields, "rr", "Relative risk", "Relative risk");
  for (const FieldSpec& spec : sizing_goal_fields()) fields.push_back(spec);
  return fields;
}

BinaryDesign read_binary_design(RequestFields& fields) {
  BinaryDesign design;
  read_study_length(fields, design.days, design.decisions_per_day);
  const bool layout_ok = !fields.has_problem("days") && !fields.has_problem("decisions_per_day");
  const int m = design.days * design.decisions_per_day;
  CohnInputs& in = design.inputs;

  // Availability: a per-day pattern (as the continuous calculator's) or an uploaded column.
  const std::string avail_shape = fields.choice("avail_shape", {"constant", "linear", "quadratic", "file"}, "constant");
  in.names.availability = avail_shape == "file" ? "--avail-file" : "--availability";
  if (avail_shape == "file") {
    const std::vector<double> values = read_uploaded_column(fields, "avail", "availabilities", design.availability_file);
    if (layout_ok && !values.empty()) {
      try {
        in.availability = as_vector(per_decision_from_days_or_decisions(values, design.days, design.decisions_per_day, "--avail-file"));
      } catch (const UserError& error) {
        fields.add_problem("avail_file", attribute_engine_message(error.what(), binary_fields()).message);
      }
    }
  } else {
    ShapeSpec& shape = design.availability_pattern.emplace();
    shape.kind = kShapeKindNames.parse(avail_shape, "avail_shape", "shape");
    shape.mean = fields.number("avail_mean", -kUnbounded, kUnbounded);
    if (shape.kind != ShapeKind::kConstant) shape.initial = fields.number("avail_initial", -kUnbounded, kUnbounded);
    if (shape.kind == ShapeKind::kQuadratic) shape.day_max = fields.whole_number("avail_change_day", 1, 100000);
    if (layout_ok && !any_problem(fields, {"avail_mean", "avail_initial", "avail_change_day"})) {
      try {
        in.availability = as_vector(expand_per_decision(shape_per_day(shape, design.days), design.decisions_per_day));
      } catch (const UserError& error) {
        fields.add_problem("avail_shape", error.what());
      }
    }
  }

  // Randomization probability: one value or an uploaded column.
  const bool rand_prob_from_file = fields.choice("rand_prob_source", {"constant", "file"}, "constant") == "file";
  in.names.rand_prob = rand_prob_from_file ? "--rand-prob-file" : "--rand-prob";
  if (rand_prob_from_file)
    design.rand_prob = read_uploaded_column(fields, "rand_prob", "randomization probabilities", design.rand_prob_file);
  else
    design.rand_prob = {fields.number("rand_prob", -kUnbounded, kUnbounded)};
  if (layout_ok && !design.rand_prob.empty() && !fields.has_problem("rand_prob")) {
    try {
      in.rand_prob = as_vector(rand_prob_from_file
                                   ? rand_prob_per_decision(design.rand_prob, design.days, design.decisions_per_day)
                                   : rand_prob_per_decision(design.rand_prob.front(), design.days, design.decisions_per_day));
    } catch (const UserError& error) {
      const FieldProblem problem = attribute_engine_message(error.what(), binary_fields());
      fields.add_problem(problem.field.empty() ? "days" : problem.field, problem.message);
    }
  }

  // The SPNC and the relative risk as the Shiny calculator's curves.
  design.loglinear_end = parse_log_linear_end(fields.choice("loglinear_final_at", {"m+1", "m"}, "m+1"), "--loglinear-final-at");
  design.spnc = read_curve(fields, "spnc", true);
  design.rr = read_curve(fields, "rr", false);
  in.names.g = "--spnc";
  in.names.alpha = "its parameters";
  in.names.f = "--rr";
  in.names.beta = "its parameters";
  const auto build_curve = [&](const LogCurveSpec& spec, const std::string& prefix, Eigen::MatrixXd& columns,
                                Eigen::VectorXd& coefficients) {
    if (!layout_ok || any_problem(fields, curve_fields(prefix))) return;
    try {
      const LogCurve curve = log_curve(spec, m, design.loglinear_end);
      columns = curve.columns;
      coefficients = curve.coefficients;
    } catch (const UserError& error) {
      const FieldProblem problem = attribute_engine_message(error.what(), binary_fields());
      fields.add_problem(problem.field.empty() ? prefix + "_shape" : problem.field, problem.message);
    }
  };
  build_curve(design.spnc, "spnc", in.g, in.alpha);
  build_curve(design.rr, "rr", in.f, in.beta);
  in.type1 = fields.number("alpha", -kUnbounded, kUnbounded);
  in.names.type1 = "--type1";
  design.allow_small_n = !fields.has("allow_small_n") || fields.flag("allow_small_n");
  return design;
}

BinaryAnswer binary_answer(const BinaryDesign& design, const SizingGoal& goal) {
  return with_fields(binary_fields(), [&] {
    BinaryAnswer answer;
    answer.first_valid_n = first_valid_n(design);
    if (goal.sample_size) {
      const CohnSampleSize size = cohn_sample_size(design.inputs, {goal.target_power, false, design.allow_small_n});
      answer.n = size.n;
      answer.n_exact = size.n_exact;
      answer.at_n = size.at_n;
      answer.warnings = size.warnings;
    } else {
      const CohnPower power = cohn_power(design.inputs, goal.n, design.allow_small_n);
      answer.n = goal.n;
      answer.at_n = power.at_n;
      answer.warnings = power.warnings;
    }
    for (std::string& warning : answer.warnings) warning = attribute_engine_message(warning, binary_fields()).message;
    return answer;
  });
}

nlohmann::ordered_json binary_preview(const nlohmann::json& request) {
  const std::vector<FieldSpec> table = binary_fields();
  RequestFields fields(request, table);
  const BinaryDesign design = read_binary_design(fields);
  std::vector<FieldProblem> problems = fields.problems();
  const CohnInputs& in = design.inputs;
  const Eigen::Index m = static_cast<Eigen::Index>(design.days) * design.decisions_per_day;
  nlohmann::ordered_json plots = nlohmann::ordered_json::object();
  if (in.availability.size() == m && m > 0)
    plots["availability"] = pattern_chart("Expected availability", "decision point t", "availability",
                                          as_std(in.availability), true);
  if (in.rand_prob.size() == m && m > 0)
    plots["rand_prob"] = pattern_chart("Randomization probability", "decision point t", "probability",
                                       as_std(in.rand_prob), true);
  const bool curves_ready = in.g.rows() == m && in.f.rows() == m && m > 0;
  if (curves_ready) {
    const BinaryCurves curves = binary_curves(design);
    plots["spnc"] = success_probability_chart(curves);
    plots["rr"] = pattern_chart("Relative risk", "decision point t", "relative risk", curves.relative_risk, false);
  }
  nlohmann::ordered_json warnings = nlohmann::ordered_json::array();
  if (problems.empty()) {
    try {
      for (const std::string& warning : cohn_terms(in).warnings)
        warnings.push_back(attribute_engine_message(warning, table).message);
    } catch (const UserError& error) {
      problems.push_back(attribute_engine_message(error.what(), table));
    }
  }
  nlohmann::ordered_json reply;
  reply["plots"] = plots;
  if (problems.empty()) reply["total_decisions"] = m;
  reply["warnings"] = warnings;
  reply["errors"] = problems_json(problems);
  return reply;
}

nlohmann::ordered_json binary_calculate(const nlohmann::json& request) {
  const std::vector<FieldSpec> table = binary_fields();
  RequestFields fields(request, table);
  const BinaryDesign design = read_binary_design(fields);
  const SizingGoal goal = read_sizing_goal(fields);
  fields.finish();
  const BinaryAnswer answer = binary_answer(design, goal);
  const CohnTerms terms = with_fields(table, [&] { return cohn_terms(design.inputs); });
  const int answer_n = static_cast<int>(std::ceil(answer.n));
  // Plain variables, not a structured binding: the lambdas below capture them (C++17).
  const std::pair<int, int> range = with_fields(table, [&] { return curve_range(goal, answer_n, answer.first_valid_n); });
  const int from = range.first, to = range.second;
  std::vector<std::pair<int, double>> points;
  for (const CohnPowerAtN& point :
       with_fields(table, [&] { return cohn_power_curve(design.inputs, from, to, design.allow_small_n); }))
    points.emplace_back(static_cast<int>(point.n), point.power);

  nlohmann::ordered_json reply;
  reply["outcome"] = "binary";
  reply["mode"] = goal.sample_size ? "sample_size" : "power";
  reply["n"] = answer_n;
  if (goal.sample_size) reply["n_exact"] = answer.n_exact;
  reply["power"] = answer.at_n.power;
  if (goal.sample_size) reply["target_power"] = goal.target_power;
  reply["df1"] = answer.at_n.df1;
  reply["df2"] = answer.at_n.df2;
  reply["ncp"] = answer.at_n.ncp;
  reply["critical_value"] = answer.at_n.critical_value;
  reply["p"] = terms.p;
  reply["q"] = terms.q;
  reply["alpha"] = design.inputs.type1;
  reply["m"] = terms.m;
  reply["first_valid_n"] = answer.first_valid_n;
  reply["curve"] = {{"from", from}, {"to", to}, {"points", points}, {"svg", power_curve_chart(points, kCurveTitle)}};
  reply["power_levels"] = power_levels_json(design);
  reply["summary"] = binary_design_summary(design);
  reply["command"] = equivalent_command(design, goal);
  reply["warnings"] = answer.warnings;
  return reply;
}

}  // namespace mrtsim::serve
