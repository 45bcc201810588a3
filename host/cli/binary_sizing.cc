#include "host/cli/binary_sizing.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/user_error.h"
#include "host/cli/sizing_output.h"
#include "host/io/mrt_csv.h"
#include "host/samplesize/binary_calculator_inputs.h"
#include "host/samplesize/cohn_formula.h"

namespace mrtsim::cli {

const char* const kBinaryOptionGroup = "Binary outcome (--outcome binary; Cohn, Qian & Murphy 2023)";

namespace {

constexpr const char* kCurveTitle = "Power against the number of participants (Cohn et al. 2023)";

// ---- options ----

CLI::Option* add_binary_option(BinaryDesignArguments& args, CLI::Option* option) {
  option->group(kBinaryOptionGroup);
  args.options.push_back(option);
  return option;
}

void add_curve_options(CLI::App* command, BinaryDesignArguments& args, CalculatorCurveArguments& curve,
                       const std::string& what, const std::string& value_kind) {
  const std::string& o = curve.option;
  curve.shape_given = add_binary_option(
      args, command
                ->add_option(o, curve.shape,
                             what +
                                 " as in the binary Shiny calculator: constant, log-linear or log-quadratic over "
                                 "decision points t = 1..m (instead of " +
                                 (o == "--spnc" ? "--g-file with --alpha-coef" : "--f-file with --beta") + ")")
                ->check(CLI::IsMember({"constant", "log-linear", "log-quadratic"})));
  curve.value_given =
      add_binary_option(args, command->add_option(o + "-value", curve.value, "constant: the " + value_kind));
  curve.initial_given = add_binary_option(
      args,
      command->add_option(o + "-initial", curve.initial, "log-linear, log-quadratic: the " + value_kind + " at t = 1"));
  curve.final_given =
      add_binary_option(args, command->add_option(o + "-final", curve.final,
                                                  "log-linear: the " + value_kind +
                                                      " at t = m + 1 (default) or t = m, see --loglinear-final-at"));
  curve.change_point_given = add_binary_option(
      args, command->add_option(o + "-change-point", curve.change_point,
                                "log-quadratic: decision point t > 1 of the vertex (may lie after t = m)"));
  curve.change_value_given =
      add_binary_option(args, command->add_option(o + "-change-value", curve.change_value,
                                                  "log-quadratic: the " + value_kind + " at the vertex"));
}

// ---- inputs ----

std::string shape_phrase(const CalculatorCurveArguments& curve) { return curve.option + " " + curve.shape; }

// A curve option must be given exactly when its shape uses it, so that no value silently goes unused.
void require_given_iff(bool used, const CLI::Option* option, const CalculatorCurveArguments& curve) {
  if (used && option->count() == 0) throw UserError(option->get_name() + " is required with " + shape_phrase(curve));
  if (!used && option->count() > 0) throw UserError(option->get_name() + " does not apply to " + shape_phrase(curve));
}

LogCurveSpec curve_spec(const CalculatorCurveArguments& curve, bool probability) {
  LogCurveSpec spec;
  spec.option = curve.option;
  spec.probability = probability;
  spec.shape = parse_log_curve_shape(curve.shape, curve.option);
  const bool linear = spec.shape == LogCurveShape::kLogLinear, quadratic = spec.shape == LogCurveShape::kLogQuadratic;
  require_given_iff(spec.shape == LogCurveShape::kConstant, curve.value_given, curve);
  require_given_iff(linear || quadratic, curve.initial_given, curve);
  require_given_iff(linear, curve.final_given, curve);
  require_given_iff(quadratic, curve.change_point_given, curve);
  require_given_iff(quadratic, curve.change_value_given, curve);
  spec.value = curve.value;
  spec.initial = curve.initial;
  spec.final = curve.final;
  spec.change_point = curve.change_point;
  spec.change_value = curve.change_value;
  return spec;
}

// Curve options without their shape option would be ignored: refuse them.
void require_shape_for_values(const CalculatorCurveArguments& curve) {
  if (curve.shape_given->count() > 0) return;
  for (const CLI::Option* option :
       {curve.value_given, curve.initial_given, curve.final_given, curve.change_point_given, curve.change_value_given})
    if (option->count() > 0) throw UserError(option->get_name() + " needs " + curve.option + " SHAPE");
}

Eigen::VectorXd column_vector(const DecisionFile& file) {
  return Eigen::Map<const Eigen::VectorXd>(file.columns[0].data(), file.rows());
}

Eigen::MatrixXd column_matrix(const DecisionFile& file) {
  Eigen::MatrixXd matrix(file.rows(), static_cast<Eigen::Index>(file.columns.size()));
  for (std::size_t j = 0; j < file.columns.size(); ++j)
    matrix.col(static_cast<Eigen::Index>(j)) = Eigen::Map<const Eigen::VectorXd>(file.columns[j].data(), file.rows());
  return matrix;
}

// The files, read once.
struct DecisionFiles {
  std::optional<DecisionFile> availability, rand_prob, f, g;
};

DecisionFiles read_decision_files(const BinaryDesignArguments& args, const SharedSizingValues& shared) {
  DecisionFiles files;
  files.availability = read_decision_file("--avail-file", shared.avail_file, true);
  files.rand_prob = read_decision_file("--rand-prob-file", shared.rand_prob_file, true);
  files.f = read_decision_file("--f-file", args.f_file, false);
  files.g = read_decision_file("--g-file", args.g_file, false);
  return files;
}

// The number of decision points m, from --decision-points, --days x --decisions-per-day and the rows
// of the files; all that are given must agree.
int decision_points(const BinaryDesignArguments& args, const SharedSizingValues& shared, const DecisionFiles& files) {
  std::vector<std::pair<std::string, long long>> sources;
  if (args.decision_points_given->count() > 0) {
    require_input(args.decision_points >= 1,
                  "--decision-points must be a positive integer (got " + std::to_string(args.decision_points) + ")");
    sources.emplace_back("--decision-points", args.decision_points);
  }
  if (shared.days_given || shared.decisions_per_day_given) {
    require_input(shared.days_given && shared.decisions_per_day_given,
                  "--days and --decisions-per-day go together (m = days x decisions per day)");
    require_input(shared.days >= 1 && shared.decisions_per_day >= 1,
                  "--days and --decisions-per-day must be positive integers");
    sources.emplace_back("--days x --decisions-per-day",
                         static_cast<long long>(shared.days) * shared.decisions_per_day);
  }
  for (const auto* file : {&files.availability, &files.rand_prob, &files.f, &files.g})
    if (*file) sources.emplace_back((*file)->option + " " + (*file)->path + " (rows)", (*file)->rows());
  require_input(!sources.empty(),
                "--outcome binary: give the number of decision points m with --decision-points M "
                "(or --days and --decisions-per-day), or per-decision files");
  for (const auto& [label, m] : sources)
    require_input(m == sources.front().second, sources.front().first +
                                                   " gives m = " + std::to_string(sources.front().second) +
                                                   " decision points but " + label + " gives " + std::to_string(m));
  require_input(sources.front().second <= 10'000'000,
                "m = " + std::to_string(sources.front().second) + " decision points; at most 10,000,000");
  return static_cast<int>(sources.front().second);
}

// A per-decision value from a file or one constant, exactly one of them.
Eigen::VectorXd per_decision_values(const std::optional<DecisionFile>& file, const std::string& file_option,
                                    bool constant_given, double constant, const std::string& constant_option, int m) {
  require_input(!(file && constant_given), "give " + constant_option + " or " + file_option + ", not both");
  require_input(file || constant_given, "give " + constant_option + " NUMBER or " + file_option + " FILE");
  if (file) return column_vector(*file);
  return Eigen::VectorXd::Constant(m, constant);
}

// Echo of where each part of the design came from, for the table and the JSON.
struct DesignSources {
  std::string availability, rand_prob, spnc, effect;
};

struct BinaryDesignInputs {
  CohnInputs inputs;
  DesignSources sources;
  std::optional<LogLinearEnd> loglinear_end;  // when a log-linear curve is used
};

std::string curve_description(const LogCurveSpec& spec, LogLinearEnd end) {
  std::string text = spec.option + " " + log_curve_shape_name(spec.shape);
  switch (spec.shape) {
    case LogCurveShape::kConstant: return text + " " + input_value_text(spec.value);
    case LogCurveShape::kLogLinear:
      return text + " from " + input_value_text(spec.initial) + " at t = 1 to " + input_value_text(spec.final) +
             (end == LogLinearEnd::kAfterLast ? " at t = m + 1" : " at t = m");
    case LogCurveShape::kLogQuadratic:
      return text + " from " + input_value_text(spec.initial) + " at t = 1 to " + input_value_text(spec.change_value) +
             " at the vertex t = " + input_value_text(spec.change_point);
  }
  return text;
}

// One part of the log-linear model: design columns and coefficients from a file and a coefficient
// list, or from a calculator curve.
struct CurvePart {
  Eigen::MatrixXd columns;
  Eigen::VectorXd coefficients;
  std::string columns_name, coefficients_name, description;
  bool log_linear = false;
};

CurvePart curve_part(const std::optional<DecisionFile>& file, const std::string& file_option,
                     const std::vector<double>& coefficients, const CLI::Option* coefficients_given,
                     const CalculatorCurveArguments& curve, bool probability, int m, LogLinearEnd end) {
  require_shape_for_values(curve);
  const bool from_curve = curve.shape_given->count() > 0;
  const std::string coefficient_option = coefficients_given->get_name();
  require_input(!(from_curve && (file || coefficients_given->count() > 0)),
                "give " + curve.option + " or " + file_option + " with " + coefficient_option + ", not both");
  CurvePart part;
  if (from_curve) {
    const LogCurveSpec spec = curve_spec(curve, probability);
    const LogCurve values = log_curve(spec, m, end);
    part.columns = values.columns;
    part.coefficients = values.coefficients;
    part.columns_name = curve.option + " " + log_curve_shape_name(spec.shape);
    part.description = curve_description(spec, end);
    part.coefficients_name = "its coefficients";
    part.log_linear = spec.shape == LogCurveShape::kLogLinear;
    return part;
  }
  require_input(
      file.has_value() && coefficients_given->count() > 0,
      "give " + file_option + " FILE with " + coefficient_option + "=c1,c2,... or " + curve.option + " SHAPE");
  part.columns = column_matrix(*file);
  part.coefficients =
      Eigen::Map<const Eigen::VectorXd>(coefficients.data(), static_cast<Eigen::Index>(coefficients.size()));
  part.columns_name = file_option + " " + file->path;
  part.coefficients_name = coefficient_option;
  part.description = part.columns_name + " with " + coefficient_option;
  return part;
}

BinaryDesignInputs binary_design_inputs(const BinaryDesignArguments& args, const SharedSizingValues& shared) {
  const DecisionFiles files = read_decision_files(args, shared);
  const int m = decision_points(args, shared, files);
  const LogLinearEnd end = parse_log_linear_end(args.loglinear_final_at, "--loglinear-final-at");

  BinaryDesignInputs design;
  CohnInputs& in = design.inputs;
  in.availability = per_decision_values(files.availability, "--avail-file", shared.avail_mean_given, shared.avail_mean,
                                        "--avail-mean", m);
  in.rand_prob = per_decision_values(files.rand_prob, "--rand-prob-file", shared.rand_prob_given, shared.rand_prob,
                                     "--rand-prob", m);
  const CurvePart spnc =
      curve_part(files.g, "--g-file", args.alpha_coef, args.alpha_coef_given, args.spnc, true, m, end);
  const CurvePart effect = curve_part(files.f, "--f-file", args.beta, args.beta_given, args.rr, false, m, end);
  in.g = spnc.columns;
  in.alpha = spnc.coefficients;
  in.f = effect.columns;
  in.beta = effect.coefficients;
  in.type1 = args.type1;
  in.names.availability = files.availability ? "--avail-file " + files.availability->path : "--avail-mean";
  in.names.rand_prob = files.rand_prob ? "--rand-prob-file " + files.rand_prob->path : "--rand-prob";
  in.names.g = spnc.columns_name;
  in.names.alpha = spnc.coefficients_name;
  in.names.f = effect.columns_name;
  in.names.beta = effect.coefficients_name;
  in.names.type1 = "--type1";

  const bool log_linear = spnc.log_linear || effect.log_linear;
  require_input(log_linear || args.loglinear_final_at_given->count() == 0,
                "--loglinear-final-at applies only to --spnc log-linear or --rr log-linear");
  if (log_linear) design.loglinear_end = end;
  design.sources.availability =
      files.availability ? in.names.availability : "--avail-mean " + input_value_text(shared.avail_mean);
  design.sources.rand_prob = files.rand_prob ? in.names.rand_prob : "--rand-prob " + input_value_text(shared.rand_prob);
  design.sources.spnc = spnc.description;
  design.sources.effect = effect.description;
  return design;
}

// ---- output ----

void print_warnings(const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) std::fprintf(stderr, "mrtsim: warning: %s\n", warning.c_str());
}

std::vector<double> as_vector(const Eigen::VectorXd& values) { return {values.data(), values.data() + values.size()}; }

nlohmann::ordered_json matrix_json(const Eigen::MatrixXd& matrix) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (Eigen::Index i = 0; i < matrix.rows(); ++i) rows.push_back(as_vector(matrix.row(i).transpose()));
  return rows;
}

// A whole n as an integer, a fractional one (exact sample size, power at a fractional n) as it is.
nlohmann::ordered_json n_json(double n) {
  if (n == std::floor(n)) return static_cast<long long>(n);
  return n;
}

// The inputs and the n-free terms, echoed after the results.
void add_design_json(nlohmann::ordered_json& out, const BinaryDesignInputs& design, const CohnTerms& terms) {
  const CohnInputs& in = design.inputs;
  const nlohmann::ordered_json echo = {{"outcome", "binary"},
                                       {"m", terms.m},
                                       {"p", terms.p},
                                       {"q", terms.q},
                                       {"type1", in.type1},
                                       {"availability", design.sources.availability},
                                       {"availability_mean", in.availability.mean()},
                                       {"rand_prob", design.sources.rand_prob},
                                       {"rand_prob_mean", in.rand_prob.mean()},
                                       {"spnc", design.sources.spnc},
                                       {"alpha_coef", as_vector(in.alpha)},
                                       {"effect", design.sources.effect},
                                       {"beta", as_vector(in.beta)},
                                       {"m_matrix", matrix_json(terms.m_matrix)},
                                       {"sigma", matrix_json(terms.sigma)},
                                       {"ncp_per_participant", terms.ncp_per_participant}};
  out.update(echo);
  if (design.loglinear_end) out["loglinear_final_at"] = *design.loglinear_end == LogLinearEnd::kAfterLast ? "m+1" : "m";
}

// The F test at n (after "n" and "power").
void add_test_json(nlohmann::ordered_json& out, const CohnPowerAtN& at_n) {
  out["df1"] = at_n.df1;
  out["df2"] = at_n.df2;
  out["ncp"] = at_n.ncp;
  out["critical_value"] = at_n.critical_value;
}

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.7g", value);
  return text;
}

void print_row(const std::string& label, const std::string& value) {
  std::printf("  %-28s %s\n", label.c_str(), value.c_str());
}

void print_design(const BinaryDesignInputs& design, const CohnTerms& terms) {
  print_row("decision points m", std::to_string(terms.m));
  print_row("availability",
            design.sources.availability + " (mean " + number_text(design.inputs.availability.mean()) + ")");
  print_row("randomization probability",
            design.sources.rand_prob + " (mean " + number_text(design.inputs.rand_prob.mean()) + ")");
  print_row("success prob. null curve", design.sources.spnc);
  print_row("relative risk", design.sources.effect);
  print_row("p, q, type I error",
            std::to_string(terms.p) + ", " + std::to_string(terms.q) + ", " + number_text(design.inputs.type1));
}

void print_power_rows(const CohnPowerAtN& at_n) {
  print_row("F test df", std::to_string(at_n.df1) + ", " + number_text(at_n.df2));
  print_row("critical value", number_text(at_n.critical_value));
  print_row("noncentrality", number_text(at_n.ncp));
  print_row("power", number_text(at_n.power));
}

void run_power_curve(const BinaryDesignArguments& args, const SharedSizingValues& shared,
                     const BinaryPowerRequest& request, const BinaryDesignInputs& design, const CohnTerms& terms) {
  const auto [n_first, n_last] = parse_n_range(request.n_range);
  const std::vector<CohnPowerAtN> curve = cohn_power_curve(design.inputs, n_first, n_last, args.allow_n_below_10);
  std::vector<PowerCurvePoint> points;
  for (const CohnPowerAtN& point : curve) points.push_back({static_cast<int>(point.n), point.power});
  const bool write_files = !request.out_prefix.empty();
  if (write_files) write_power_curve_files(request.out_prefix, points, kCurveTitle);
  print_warnings(terms.warnings);
  if (shared.format == "json") {
    nlohmann::ordered_json out;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const PowerCurvePoint& point : points) rows.push_back({{"n", point.n}, {"power", point.power}});
    out["curve"] = rows;
    add_design_json(out, design, terms);
    out["warnings"] = terms.warnings;
    if (write_files) out["files"] = {{"csv", request.out_prefix + ".csv"}, {"svg", request.out_prefix + ".svg"}};
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("Power curve (Cohn et al. 2023, binary outcome)\n");
  print_design(design, terms);
  std::printf("\n  %6s  %s\n", "N", "power");
  for (const PowerCurvePoint& point : points) std::printf("  %6d  %.6f\n", point.n, point.power);
  if (write_files) std::printf("\nWrote %s.csv and %s.svg\n", request.out_prefix.c_str(), request.out_prefix.c_str());
}

}  // namespace

void add_binary_design_options(CLI::App* command, BinaryDesignArguments& args, bool with_sample_size_options) {
  args.decision_points_given = add_binary_option(
      args, command->add_option("--decision-points", args.decision_points,
                                "number of decision points m (or --days x --decisions-per-day, or the files' rows)"));
  add_binary_option(args, command->add_option("--f-file", args.f_file,
                                              "effect design f_t: CSV with a header row, m rows x p columns; "
                                              "log RR(t) = f_t' beta"));
  args.beta_given = add_binary_option(
      args, command->add_option("--beta", args.beta, "effect coefficients b1,...,bp, e.g. --beta=0.15,-0.01")
                ->delimiter(','));
  add_binary_option(args, command->add_option("--g-file", args.g_file,
                                              "control design g_t: CSV with a header row, m rows x q columns; "
                                              "log SPNC(t) = g_t' alpha"));
  args.alpha_coef_given = add_binary_option(
      args,
      command->add_option("--alpha-coef", args.alpha_coef, "SPNC coefficients a1,...,aq, e.g. --alpha-coef=-0.2,-0.1")
          ->delimiter(','));
  add_curve_options(command, args, args.spnc, "success-probability null curve (SPNC)", "success probability");
  add_curve_options(command, args, args.rr, "relative risk (treatment effect)", "relative risk");
  args.loglinear_final_at_given = add_binary_option(
      args, command
                ->add_option("--loglinear-final-at", args.loglinear_final_at,
                             "where a log-linear curve takes its -final value: m+1 (default, the Shiny calculator's "
                             "convention: slope (log final - log initial)/m from the -initial value at t = 1, so "
                             "-final is reached only at t = m + 1) or m (slope /(m - 1), -final at t = m)")
                ->check(CLI::IsMember({"m+1", "m"}))
                ->capture_default_str());
  add_binary_option(args, command->add_option("--type1", args.type1, "type I error gamma")->capture_default_str());
  add_binary_option(args,
                    command->add_flag("--allow-n-below-10", args.allow_n_below_10,
                                      "report sample sizes and powers at n <= 10, where the asymptotic formula may be "
                                      "inaccurate (otherwise an error)"));
  if (!with_sample_size_options) return;
  add_binary_option(
      args, command->add_flag("--exact", args.exact, "report the exact (fractional) sample size, not its ceiling"));
  add_binary_option(args, command->add_option("--power-levels", args.power_levels,
                                              "also tabulate N for target powers FROM:TO:STEP, e.g. 0.6:0.95:0.05 "
                                              "(power_summary)"));
}

void run_binary_samplesize(const BinaryDesignArguments& args, const SharedSizingValues& shared, double target_power) {
  const BinaryDesignInputs design = binary_design_inputs(args, shared);
  const CohnTerms terms = cohn_terms(design.inputs);
  const CohnSampleSize result = cohn_sample_size(design.inputs, {target_power, args.exact, args.allow_n_below_10});
  std::vector<CohnPowerLevel> summary;
  if (!args.power_levels.empty())
    summary = cohn_power_summary(design.inputs, parse_power_levels(args.power_levels), args.allow_n_below_10);
  print_warnings(result.warnings);
  if (shared.format == "json") {
    nlohmann::ordered_json out = {{"n", n_json(result.n)}, {"n_exact", result.n_exact}, {"power", result.at_n.power}};
    out["target_power"] = target_power;
    out["exact"] = args.exact;
    add_test_json(out, result.at_n);
    add_design_json(out, design, terms);
    out["warnings"] = result.warnings;
    if (!summary.empty()) {
      nlohmann::ordered_json rows = nlohmann::ordered_json::array();
      for (const CohnPowerLevel& level : summary) rows.push_back({{"power", level.power}, {"n", level.n}});
      out["power_summary"] = rows;
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("Sample size (Cohn et al. 2023, binary outcome)\n");
  print_design(design, terms);
  print_row("target power", number_text(target_power));
  print_row("participants N", (args.exact ? number_text(result.n) : std::to_string(static_cast<long long>(result.n))) +
                                  " (n_exact " + number_text(result.n_exact) + ")");
  print_power_rows(result.at_n);
  if (summary.empty()) return;
  std::printf("\n  %8s  %s\n", "power", "N");
  for (const CohnPowerLevel& level : summary) std::printf("  %8.4g  %d\n", level.power, level.n);
}

void run_binary_power(const BinaryDesignArguments& args, const SharedSizingValues& shared,
                      const BinaryPowerRequest& request) {
  const BinaryDesignInputs design = binary_design_inputs(args, shared);
  const CohnTerms terms = cohn_terms(design.inputs);
  if (request.n_range_given) {
    run_power_curve(args, shared, request, design, terms);
    return;
  }
  require_input(request.n_given, "give --n N or --n-range FIRST:LAST");
  const CohnPower result = cohn_power(design.inputs, request.n, args.allow_n_below_10);
  print_warnings(result.warnings);
  if (shared.format == "json") {
    nlohmann::ordered_json out = {{"n", n_json(result.at_n.n)}, {"power", result.at_n.power}};
    add_test_json(out, result.at_n);
    add_design_json(out, design, terms);
    out["warnings"] = result.warnings;
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("Power (Cohn et al. 2023, binary outcome)\n");
  print_design(design, terms);
  print_row("participants N", number_text(result.at_n.n));
  print_power_rows(result.at_n);
}

}  // namespace mrtsim::cli
