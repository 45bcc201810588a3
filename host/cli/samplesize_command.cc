// `mrtsim samplesize` and `mrtsim power`: the Liao et al. (2016) formula (host/samplesize/liao_formula.h)
// for a continuous outcome (the default) and, with --outcome binary, the Cohn et al. (2023) formula
// (host/cli/binary_sizing.h), printed as a table or as one JSON object (docs/architecture.md §5). `power --n-range`
// evaluates a power curve and can write it as CSV and SVG. Options of one outcome are refused for the
// other, so that no value silently goes unused.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <numeric>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/user_error.h"
#include "host/cli/binary_sizing.h"
#include "host/cli/commands.h"
#include "host/cli/option_checks.h"
#include "host/cli/sizing_output.h"
#include "host/config/study_config.h"
#include "host/engine/study_runner.h"
#include "host/io/study_tables.h"
#include "host/samplesize/liao_formula.h"

namespace mrtsim::cli {
namespace {

constexpr const char* kContinuousOptionGroup = "Continuous outcome (the default; Liao et al. 2016)";
constexpr const char* kLiaoCurveTitle = "Power against the number of participants (Liao et al. 2016)";

struct ShapeOptionNames {
  std::string kind, mean, initial, day;
};

// One shape (effect or availability) as given on the command line; the Option pointers tell which
// of the shape-specific options were given.
struct ShapeArguments {
  explicit ShapeArguments(ShapeOptionNames option_names) : names(std::move(option_names)) {}
  ShapeOptionNames names;
  std::string kind;
  double mean = 0.0;
  double initial = 0.0;
  int day = 0;
  CLI::Option* kind_given = nullptr;
  CLI::Option* mean_given = nullptr;
  CLI::Option* initial_given = nullptr;
  CLI::Option* day_given = nullptr;
};

// Options shared by `samplesize` and `power`.
struct DesignArguments {
  std::string outcome = "continuous";
  int days = 0;
  int decisions_per_day = 0;
  CLI::Option* days_given = nullptr;
  CLI::Option* decisions_per_day_given = nullptr;
  double rand_prob = 0.0;
  std::string rand_prob_file;
  CLI::Option* rand_prob_given = nullptr;
  ShapeArguments effect{{"--effect", "--effect-mean", "--effect-initial", "--effect-max-day"}};
  ShapeArguments availability{{"--availability", "--avail-mean", "--avail-initial", "--avail-change-day"}};
  std::string avail_file;   // instead of the availability shape (both outcomes)
  std::string effect_file;  // continuous: d(t) itself; --effect then names the effect model
  double dropout_per_day = 0.0;
  int q = 3;
  double alpha = 0.05;
  std::string format = "table";
  std::vector<CLI::Option*> continuous_only;  // refused with --outcome binary
  BinaryDesignArguments binary;
};

struct SampleSizeArguments {
  DesignArguments design;
  double target_power = 0.8;
  int max_n = 1000;
  std::string simulate_study;  // --simulate: a study file whose sample sizes are found by simulation
};

struct PowerArguments {
  DesignArguments design;
  double n = 0.0;
  std::string n_range;
  std::string out_prefix;
  CLI::Option* n_given = nullptr;
  CLI::Option* n_range_given = nullptr;
};

CLI::Option* continuous_only(DesignArguments& design, CLI::Option* option) {
  option->group(kContinuousOptionGroup);
  design.continuous_only.push_back(option);
  return option;
}

// The shape's options belong to the continuous outcome, except --avail-mean, which the binary
// formula reads as a constant availability.
void add_shape_options(CLI::App* command, DesignArguments& design, ShapeArguments& shape, const std::string& what,
                       const std::string& day_meaning, bool mean_shared) {
  shape.kind_given = continuous_only(
      design, command->add_option(shape.names.kind, shape.kind, what + " over days: constant, linear or quadratic"));
  const std::string binary_meaning = mean_shared ? " (binary: the availability at every t)" : "";
  shape.mean_given = command->add_option(shape.names.mean, shape.mean, what + ": mean over days" + binary_meaning);
  if (!mean_shared) continuous_only(design, shape.mean_given);
  shape.initial_given = continuous_only(
      design, command->add_option(shape.names.initial, shape.initial, "linear and quadratic: " + what + " on day 1"));
  shape.day_given =
      continuous_only(design, command->add_option(shape.names.day, shape.day, "quadratic: " + day_meaning));
}

void add_design_options(CLI::App* command, DesignArguments& design, bool sample_size) {
  command
      ->add_option("--outcome", design.outcome,
                   "continuous (Liao et al. 2016) or binary (Cohn et al. 2023, MRTSampleSizeBinary)")
      ->check(CLI::IsMember({"continuous", "binary"}))
      ->capture_default_str();
  design.days_given =
      command->add_option("--days", design.days, "study length in days (binary: m = days x decisions per day)");
  design.decisions_per_day_given =
      command->add_option("--decisions-per-day", design.decisions_per_day, "decision points per day");
  design.rand_prob_given = command->add_option("--rand-prob", design.rand_prob, "randomization probability, in (0, 1)");
  command
      ->add_option("--rand-prob-file", design.rand_prob_file,
                   "randomization probabilities: continuous, one per line, one per day or per decision point; "
                   "binary, CSV with a header row and one column of m values")
      ->excludes(design.rand_prob_given);
  add_shape_options(command, design, design.effect, "standardized proximal effect", "1-based day of the maximal effect",
                    false);
  add_shape_options(command, design, design.availability, "expected availability",
                    "1-based day where the availability turns (its minimum or maximum), may lie after the study", true);
  command->add_option("--avail-file", design.avail_file,
                      "expected availability instead of its shape: CSV with a header row and one column; continuous, "
                      "one value per day or per decision point; binary, m values in (0, 1]");
  continuous_only(design, command->add_option("--effect-file", design.effect_file,
                                              "standardized effect d(t) instead of its shape: CSV with a header row "
                                              "and one column, one value per day or per decision point; --effect "
                                              "then names only the effect model tested (p = 1, 2, 3)"));
  continuous_only(design, command->add_option("--dropout-per-day", design.dropout_per_day,
                                              "participants leave at this daily rate r: on day k (0-based) a share "
                                              "(1 - r)^k still takes part, and the availability is multiplied by it"));
  continuous_only(
      design,
      command->add_option("--q", design.q, "number of parameters in the control part B_t")->capture_default_str());
  continuous_only(design, command->add_option("--alpha", design.alpha, "significance level")->capture_default_str());
  command->add_option("--format", design.format, "output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  add_binary_design_options(command, design.binary, sample_size);
}

bool is_binary(const DesignArguments& design) { return design.outcome == "binary"; }

// Options of the other outcome would be ignored: refuse them. The continuous formula also needs the
// options it used to mark as required.
void check_outcome_options(const DesignArguments& design) {
  if (is_binary(design)) {
    for (const CLI::Option* option : design.continuous_only)
      if (option->count() > 0)
        throw UserError(option->get_name() + " applies only to --outcome continuous (the Liao formula)");
    return;
  }
  for (const CLI::Option* option : design.binary.options)
    if (option->count() > 0) throw UserError(option->get_name() + " applies only to --outcome binary");
  for (const CLI::Option* option : {design.days_given, design.decisions_per_day_given, design.effect.kind_given})
    if (option->count() == 0) throw UserError(option->get_name() + " is required (continuous outcome)");
  if (design.effect_file.empty() && design.effect.mean_given->count() == 0)
    throw UserError("--effect-mean is required (continuous outcome), or give the effect itself with --effect-file");
  if (design.avail_file.empty())
    for (const CLI::Option* option : {design.availability.kind_given, design.availability.mean_given})
      if (option->count() == 0)
        throw UserError(option->get_name() +
                        " is required (continuous outcome), or give the availability with --avail-file");
}

SharedSizingValues shared_values(const DesignArguments& design) {
  SharedSizingValues shared;
  shared.days_given = design.days_given->count() > 0;
  shared.days = design.days;
  shared.decisions_per_day_given = design.decisions_per_day_given->count() > 0;
  shared.decisions_per_day = design.decisions_per_day;
  shared.rand_prob_given = design.rand_prob_given->count() > 0;
  shared.rand_prob = design.rand_prob;
  shared.rand_prob_file = design.rand_prob_file;
  shared.avail_file = design.avail_file;
  shared.avail_mean_given = design.availability.mean_given->count() > 0;
  shared.avail_mean = design.availability.mean;
  shared.format = design.format;
  return shared;
}

// Each shape option must be given exactly when the chosen shape uses it, so that a value never
// silently goes unused.
void require_given_iff(bool used, const CLI::Option* option, const std::string& option_name,
                       const std::string& kind_option, ShapeKind kind) {
  const std::string shape = kind_option + " " + std::string(kShapeKindNames.name(kind));
  if (used && option->count() == 0) throw UserError(option_name + " is required with " + shape);
  if (!used && option->count() > 0) throw UserError(option_name + " does not apply to " + shape);
}

ShapeSpec shape_spec(const ShapeArguments& shape) {
  ShapeSpec spec;
  spec.kind = kShapeKindNames.parse(shape.kind, shape.names.kind, "shape");
  spec.mean = shape.mean;
  require_given_iff(spec.kind != ShapeKind::kConstant, shape.initial_given, shape.names.initial, shape.names.kind,
                    spec.kind);
  require_given_iff(spec.kind == ShapeKind::kQuadratic, shape.day_given, shape.names.day, shape.names.kind, spec.kind);
  if (spec.kind != ShapeKind::kConstant) spec.initial = shape.initial;
  if (spec.kind == ShapeKind::kQuadratic) spec.day_max = shape.day;
  return spec;
}

std::vector<double> rand_prob_vector(const DesignArguments& design) {
  if (design.rand_prob_given->count() > 0)
    return rand_prob_per_decision(design.rand_prob, design.days, design.decisions_per_day);
  if (design.rand_prob_file.empty()) throw UserError("give --rand-prob NUMBER or --rand-prob-file FILE");
  return rand_prob_per_decision(read_rand_prob_file(design.rand_prob_file), design.days, design.decisions_per_day);
}

// Values given as a file replace a shape: none of the shape's own options may come with it.
void refuse_shape_options(std::initializer_list<const CLI::Option*> options, const std::string& file_option) {
  for (const CLI::Option* option : options)
    if (option->count() > 0) throw UserError(option->get_name() + " does not apply with " + file_option);
}

// One value per decision point from a one-column file of one value per day or per decision point.
std::vector<double> per_decision_file(const std::string& option, const std::string& path,
                                      const DesignArguments& design) {
  const DecisionFile file = *read_decision_file(option, path, true);
  return per_decision_from_days_or_decisions(file.columns[0], design.days, design.decisions_per_day,
                                             option + " " + path);
}

LiaoInputs liao_inputs(const DesignArguments& design) {
  LiaoInputs inputs;
  inputs.days = design.days;
  inputs.decisions_per_day = design.decisions_per_day;
  inputs.rand_prob = rand_prob_vector(design);
  if (design.effect_file.empty()) {
    inputs.effect = shape_spec(design.effect);
  } else {
    const ShapeArguments& effect = design.effect;
    refuse_shape_options({effect.mean_given, effect.initial_given, effect.day_given}, "--effect-file");
    inputs.effect.kind = kShapeKindNames.parse(effect.kind, effect.names.kind, "shape");
    inputs.effect_values = per_decision_file("--effect-file", design.effect_file, design);
  }
  if (design.avail_file.empty()) {
    inputs.availability = shape_spec(design.availability);
  } else {
    const ShapeArguments& availability = design.availability;
    refuse_shape_options(
        {availability.kind_given, availability.mean_given, availability.initial_given, availability.day_given},
        "--avail-file");
    inputs.availability_values = per_decision_file("--avail-file", design.avail_file, design);
  }
  if (design.dropout_per_day != 0.0)
    inputs.survival = survival_per_decision(design.dropout_per_day, design.days, design.decisions_per_day);
  inputs.q = design.q;
  inputs.alpha = design.alpha;
  return inputs;
}

nlohmann::json shape_json(const ShapeSpec& spec) {
  nlohmann::json shape = {{"shape", std::string(kShapeKindNames.name(spec.kind))}, {"mean", spec.mean}};
  if (spec.kind != ShapeKind::kConstant) shape["initial"] = spec.initial;
  if (spec.kind == ShapeKind::kQuadratic) shape["day_max"] = spec.day_max;
  return shape;
}

double mean_of(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// The inputs and the N-free terms of the formula, echoed with every result.
nlohmann::json design_json(const DesignArguments& design, const LiaoInputs& inputs, const LiaoTerms& terms) {
  nlohmann::json echo = {
      {"days", inputs.days},
      {"decisions_per_day", inputs.decisions_per_day},
      {"total_decisions", inputs.days * inputs.decisions_per_day},
      {"rand_prob_mean", mean_of(inputs.rand_prob)},
      {"effect", design.effect_file.empty()
                     ? shape_json(inputs.effect)
                     : nlohmann::json{{"file", design.effect_file},
                                      {"model", std::string(kShapeKindNames.name(inputs.effect.kind))}}},
      {"availability",
       design.avail_file.empty() ? shape_json(inputs.availability) : nlohmann::json{{"file", design.avail_file}}},
      {"dropout_per_day", design.dropout_per_day},
      {"p", terms.p},
      {"q", inputs.q},
      {"alpha", inputs.alpha},
      {"d", std::vector<double>(terms.d.data(), terms.d.data() + terms.d.size())},
      {"ncp_per_participant", terms.ncp_per_participant}};
  if (design.rand_prob_given->count() > 0)
    echo["rand_prob"] = design.rand_prob;
  else
    echo["rand_prob_file"] = design.rand_prob_file;
  return echo;
}

void add_power_json(nlohmann::json& out, const PowerAtN& at_n) {
  out["n"] = at_n.n;
  out["power"] = at_n.power;
  out["df1"] = at_n.df1;
  out["df2"] = at_n.df2;
  out["ncp"] = at_n.ncp;
  out["critical_value"] = at_n.critical_value;
}

std::string shape_text(const ShapeSpec& spec) {
  std::ostringstream text;
  text << std::string(kShapeKindNames.name(spec.kind)) << ", mean " << spec.mean;
  if (spec.kind != ShapeKind::kConstant) text << ", day 1 " << spec.initial;
  if (spec.kind == ShapeKind::kQuadratic) text << ", vertex on day " << spec.day_max;
  return text.str();
}

void print_row(const std::string& label, const std::string& value) {
  std::printf("  %-28s %s\n", label.c_str(), value.c_str());
}

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

void print_design(const DesignArguments& design, const LiaoInputs& inputs, const LiaoTerms& terms) {
  print_row("days x decisions per day", std::to_string(inputs.days) + " x " + std::to_string(inputs.decisions_per_day));
  print_row("randomization prob. (mean)", number_text(mean_of(inputs.rand_prob)));
  print_row("proximal effect", design.effect_file.empty()
                                   ? shape_text(inputs.effect)
                                   : "from " + design.effect_file + ", tested as " +
                                         std::string(kShapeKindNames.name(inputs.effect.kind)) + " in the day");
  print_row("expected availability",
            design.avail_file.empty() ? shape_text(inputs.availability) : "from " + design.avail_file);
  if (design.dropout_per_day != 0.0)
    print_row("dropout per day", number_text(design.dropout_per_day) + " (availability x survival)");
  print_row("p, q, alpha",
            std::to_string(terms.p) + ", " + std::to_string(inputs.q) + ", " + number_text(inputs.alpha));
}

void print_power_rows(const PowerAtN& at_n) {
  print_row("F test df", std::to_string(at_n.df1) + ", " + std::to_string(at_n.df2));
  print_row("critical value", number_text(at_n.critical_value));
  print_row("noncentrality N d'Md", number_text(at_n.ncp));
  print_row("power", number_text(at_n.power));
}

// --simulate STUDY.yaml: plans the study, which finds the N of its `sample_size: {method:
// simulation}` scenarios (host/engine/simulated_sample_size.h), and prints them without running it.
void run_simulated_samplesize(const SampleSizeArguments& args) {
  const StudyPlan plan(load_study(args.simulate_study));
  if (plan.sample_size_searches().empty())
    throw UserError("--simulate " + args.simulate_study +
                    ": no scenario has sample_size: {method: simulation, power, interval: [lowest, highest]}");
  if (args.design.format == "json")
    std::cout << sample_size_json(plan.sample_size_searches()).dump(2) << "\n";
  else
    std::cout << sample_size_markdown(plan.sample_size_searches());
}

void run_samplesize(const SampleSizeArguments& args) {
  if (!args.simulate_study.empty()) return run_simulated_samplesize(args);
  check_outcome_options(args.design);
  if (is_binary(args.design)) {
    run_binary_samplesize(args.design.binary, shared_values(args.design), args.target_power);
    return;
  }
  const LiaoInputs inputs = liao_inputs(args.design);
  const LiaoTerms terms = liao_terms(inputs);
  const SampleSizeResult result = liao_sample_size(inputs, args.target_power, args.max_n);
  if (args.design.format == "json") {
    nlohmann::json out = design_json(args.design, inputs, terms);
    add_power_json(out, result.at_n);
    out["target_power"] = args.target_power;
    out["max_n"] = args.max_n;
    out["scan_start"] = result.scan_start;
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("Sample size (Liao et al. 2016)\n");
  print_design(args.design, inputs, terms);
  print_row("target power", number_text(args.target_power));
  const bool at_floor = result.at_n.n == result.scan_start;
  print_row("participants N", std::to_string(result.at_n.n) + (at_floor ? " (the smallest N scanned)" : ""));
  print_power_rows(result.at_n);
}

void run_power_curve(const PowerArguments& args, const LiaoInputs& inputs, const LiaoTerms& terms) {
  const auto [n_first, n_last] = parse_n_range(args.n_range);
  const std::vector<PowerAtN> curve = liao_power_curve(inputs, n_first, n_last);
  const bool write_files = !args.out_prefix.empty();
  if (write_files) {
    std::vector<PowerCurvePoint> points;
    for (const PowerAtN& point : curve) points.push_back({point.n, point.power});
    write_power_curve_files(args.out_prefix, points, kLiaoCurveTitle);
  }
  if (args.design.format == "json") {
    nlohmann::json out = design_json(args.design, inputs, terms);
    nlohmann::json points = nlohmann::json::array();
    for (const PowerAtN& point : curve) points.push_back({{"n", point.n}, {"power", point.power}});
    out["curve"] = points;
    if (write_files) out["files"] = {{"csv", args.out_prefix + ".csv"}, {"svg", args.out_prefix + ".svg"}};
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("Power curve (Liao et al. 2016)\n");
  print_design(args.design, inputs, terms);
  std::printf("\n  %6s  %s\n", "N", "power");
  for (const PowerAtN& point : curve) std::printf("  %6d  %.6f\n", point.n, point.power);
  if (write_files) std::printf("\nWrote %s.csv and %s.svg\n", args.out_prefix.c_str(), args.out_prefix.c_str());
}

void run_power(const PowerArguments& args) {
  check_outcome_options(args.design);
  if (is_binary(args.design)) {
    const BinaryPowerRequest request{args.n_given->count() > 0, args.n, args.n_range_given->count() > 0, args.n_range,
                                     args.out_prefix};
    run_binary_power(args.design.binary, shared_values(args.design), request);
    return;
  }
  const LiaoInputs inputs = liao_inputs(args.design);
  const LiaoTerms terms = liao_terms(inputs);
  if (args.n_range_given->count() > 0) {
    run_power_curve(args, inputs, terms);
    return;
  }
  if (args.n_given->count() == 0) throw UserError("give --n N or --n-range FIRST:LAST");
  if (args.n != std::floor(args.n) || std::fabs(args.n) > 1e9)
    throw UserError("--n must be a whole number of participants (got " + input_value_text(args.n) + ")");
  const PowerAtN at_n = liao_power(inputs, static_cast<int>(args.n));
  if (args.design.format == "json") {
    nlohmann::json out = design_json(args.design, inputs, terms);
    add_power_json(out, at_n);
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("Power (Liao et al. 2016)\n");
  print_design(args.design, inputs, terms);
  print_row("participants N", std::to_string(at_n.n));
  print_power_rows(at_n);
}

void add_samplesize_command(CLI::App& app) {
  auto args = std::make_shared<SampleSizeArguments>();
  CLI::App* command =
      app.add_subcommand("samplesize",
                         "Smallest number of participants reaching a target power (Liao et al. 2016; --outcome binary: "
                         "Cohn et al. 2023)");
  add_design_options(command, args->design, true);
  command->add_option("--power", args->target_power, "target power")->capture_default_str();
  continuous_only(args->design, command->add_option("--max-n", args->max_n, "largest N scanned")
                                    ->check(integer_range(1, kMaxParticipants))
                                    ->capture_default_str());
  command->add_option("--simulate", args->simulate_study,
                      "a study file (YAML): the N of its scenarios with sample_size: {method: simulation} by "
                      "simulation under the study's model (the design options are then not used)");
  command->callback([args] { run_samplesize(*args); });
}

void add_power_command(CLI::App& app) {
  auto args = std::make_shared<PowerArguments>();
  CLI::App* command = app.add_subcommand(
      "power", "Power with N participants, or a power curve (Liao et al. 2016; --outcome binary: Cohn et al. 2023)");
  add_design_options(command, args->design, false);
  args->n_given = command->add_option(
      "--n", args->n, "number of participants (binary: may be fractional, as in the package, with a warning)");
  args->n_range_given = command->add_option("--n-range", args->n_range, "power curve over N = FIRST:LAST, e.g. 10:200")
                            ->excludes(args->n_given);
  command->add_option("--out", args->out_prefix, "with --n-range: write PREFIX.csv (n,power) and PREFIX.svg")
      ->needs(args->n_range_given);
  command->callback([args] { run_power(*args); });
}

}  // namespace

void add_samplesize_commands(CLI::App& app) {
  add_samplesize_command(app);
  add_power_command(app);
}

}  // namespace mrtsim::cli
