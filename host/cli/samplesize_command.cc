// `mrtsim samplesize` and `mrtsim power`: the Liao et al. (2016) formula (host/samplesize/liao_formula.h)
// from the command line, printed as a table or as one JSON object (docs/architecture.md §5). `power --n-range`
// evaluates a power curve and can write it as CSV and SVG.
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

#include "host/cli/commands.h"
#include "host/samplesize/liao_formula.h"
#include "core/user_error.h"

namespace mrtsim::cli {
namespace {

// The conventional target power, drawn as a dashed reference line on power curves.
constexpr double kReferencePower = 0.8;

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
  CLI::Option* initial_given = nullptr;
  CLI::Option* day_given = nullptr;
};

// Options shared by `samplesize` and `power`.
struct DesignArguments {
  int days = 0;
  int decisions_per_day = 0;
  double rand_prob = 0.0;
  std::string rand_prob_file;
  CLI::Option* rand_prob_given = nullptr;
  ShapeArguments effect{{"--effect", "--effect-mean", "--effect-initial", "--effect-max-day"}};
  ShapeArguments availability{{"--availability", "--avail-mean", "--avail-initial", "--avail-change-day"}};
  int q = 3;
  double alpha = 0.05;
  std::string format = "table";
};

struct SampleSizeArguments {
  DesignArguments design;
  double target_power = 0.8;
  int max_n = 1000;
};

struct PowerArguments {
  DesignArguments design;
  int n = 0;
  std::string n_range;
  std::string out_prefix;
  CLI::Option* n_given = nullptr;
  CLI::Option* n_range_given = nullptr;
};

void add_shape_options(CLI::App* command, ShapeArguments& shape, const std::string& what,
                       const std::string& day_meaning) {
  command->add_option(shape.names.kind, shape.kind, what + " over days: constant, linear or quadratic")->required();
  command->add_option(shape.names.mean, shape.mean, what + ": mean over days")->required();
  shape.initial_given =
      command->add_option(shape.names.initial, shape.initial, "linear and quadratic: " + what + " on day 1");
  shape.day_given = command->add_option(shape.names.day, shape.day, "quadratic: " + day_meaning);
}

void add_design_options(CLI::App* command, DesignArguments& design) {
  command->add_option("--days", design.days, "study length in days")->required();
  command->add_option("--decisions-per-day", design.decisions_per_day, "decision points per day")->required();
  design.rand_prob_given = command->add_option("--rand-prob", design.rand_prob, "randomization probability, in (0, 1)");
  command->add_option("--rand-prob-file", design.rand_prob_file,
                      "randomization probabilities, one per line: one per day or one per decision point")
      ->excludes(design.rand_prob_given);
  add_shape_options(command, design.effect, "standardized proximal effect",
                    "1-based day of the maximal effect");
  add_shape_options(command, design.availability, "expected availability",
                    "1-based day where the availability turns (its minimum or maximum), may lie after the study");
  command->add_option("--q", design.q, "number of parameters in the control part B_t")->capture_default_str();
  command->add_option("--alpha", design.alpha, "significance level")->capture_default_str();
  command->add_option("--format", design.format, "output: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
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

LiaoInputs liao_inputs(const DesignArguments& design) {
  LiaoInputs inputs;
  inputs.days = design.days;
  inputs.decisions_per_day = design.decisions_per_day;
  inputs.effect = shape_spec(design.effect);
  inputs.availability = shape_spec(design.availability);
  inputs.rand_prob = rand_prob_vector(design);
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
  nlohmann::json echo = {{"days", inputs.days},
                         {"decisions_per_day", inputs.decisions_per_day},
                         {"total_decisions", inputs.days * inputs.decisions_per_day},
                         {"rand_prob_mean", mean_of(inputs.rand_prob)},
                         {"effect", shape_json(inputs.effect)},
                         {"availability", shape_json(inputs.availability)},
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

void print_design(const LiaoInputs& inputs, const LiaoTerms& terms) {
  print_row("days x decisions per day", std::to_string(inputs.days) + " x " + std::to_string(inputs.decisions_per_day));
  print_row("randomization prob. (mean)", number_text(mean_of(inputs.rand_prob)));
  print_row("proximal effect", shape_text(inputs.effect));
  print_row("expected availability", shape_text(inputs.availability));
  print_row("p, q, alpha",
            std::to_string(terms.p) + ", " + std::to_string(inputs.q) + ", " + number_text(inputs.alpha));
}

void print_power_rows(const PowerAtN& at_n) {
  print_row("F test df", std::to_string(at_n.df1) + ", " + std::to_string(at_n.df2));
  print_row("critical value", number_text(at_n.critical_value));
  print_row("noncentrality N d'Md", number_text(at_n.ncp));
  print_row("power", number_text(at_n.power));
}

void run_samplesize(const SampleSizeArguments& args) {
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
  print_design(inputs, terms);
  print_row("target power", number_text(args.target_power));
  const bool at_floor = result.at_n.n == result.scan_start;
  print_row("participants N", std::to_string(result.at_n.n) + (at_floor ? " (the smallest N scanned)" : ""));
  print_power_rows(result.at_n);
}

// "FIRST:LAST", e.g. "10:200".
std::pair<int, int> parse_n_range(const std::string& text) {
  const auto colon = text.find(':');
  try {
    if (colon != std::string::npos) {
      size_t first_used = 0, last_used = 0;
      const int first = std::stoi(text.substr(0, colon), &first_used);
      const int last = std::stoi(text.substr(colon + 1), &last_used);
      if (first_used == colon && last_used == text.size() - colon - 1) return {first, last};
    }
  } catch (const std::exception&) {
  }
  throw UserError("--n-range: expected FIRST:LAST such as 10:200 (got '" + text + "')");
}

// A tick step of 1, 2 or 5 times a power of ten giving at most about 8 ticks over `span`.
double tick_step(double span) {
  const double raw = std::max(span / 8.0, 1.0);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0})
    if (factor * magnitude >= raw) return factor * magnitude;
  return 10.0 * magnitude;
}

std::string power_curve_svg(const std::vector<PowerAtN>& curve) {
  const double width = 640, height = 400, left = 64, right = 24, top = 40, bottom = 56;
  const double n_first = curve.front().n, n_last = std::max<double>(curve.back().n, n_first + 1);
  auto x_of = [&](double n) { return left + (n - n_first) / (n_last - n_first) * (width - left - right); };
  auto y_of = [&](double power) { return top + (1.0 - power) * (height - top - bottom); };
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"" << width / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">"
      << "Power against the number of participants (Liao et al. 2016)</text>\n";
  for (int i = 0; i <= 5; ++i) {
    const double power = i / 5.0, y = y_of(power);
    svg << "<line x1=\"" << left << "\" y1=\"" << y << "\" x2=\"" << width - right << "\" y2=\"" << y
        << "\" stroke=\"#e5e5e5\"/>\n"
        << "<text x=\"" << left - 8 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">" << power << "</text>\n";
  }
  const double step = tick_step(n_last - n_first);
  for (double n = std::ceil(n_first / step) * step; n <= n_last; n += step) {
    const double x = x_of(n);
    svg << "<line x1=\"" << x << "\" y1=\"" << height - bottom << "\" x2=\"" << x << "\" y2=\"" << height - bottom + 5
        << "\" stroke=\"black\"/>\n"
        << "<text x=\"" << x << "\" y=\"" << height - bottom + 19 << "\" text-anchor=\"middle\">" << n << "</text>\n";
  }
  svg << "<polyline fill=\"none\" stroke=\"black\" points=\"" << left << "," << top << " " << left << ","
      << height - bottom << " " << width - right << "," << height - bottom << "\"/>\n"
      << "<text x=\"" << (left + width - right) / 2 << "\" y=\"" << height - 14
      << "\" text-anchor=\"middle\">participants N</text>\n"
      << "<text transform=\"translate(18," << (top + height - bottom) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">power</text>\n"
      << "<line x1=\"" << left << "\" y1=\"" << y_of(kReferencePower) << "\" x2=\"" << width - right << "\" y2=\""
      << y_of(kReferencePower) << "\" stroke=\"#c0392b\" stroke-dasharray=\"6,4\"/>\n"
      << "<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"";
  for (const PowerAtN& point : curve) svg << x_of(point.n) << "," << y_of(point.power) << " ";
  svg << "\"/>\n</svg>\n";
  return svg.str();
}

std::string power_curve_csv(const std::vector<PowerAtN>& curve) {
  std::string csv = "n,power\n";
  char row[64];
  for (const PowerAtN& point : curve) {
    std::snprintf(row, sizeof row, "%d,%.10g\n", point.n, point.power);
    csv += row;
  }
  return csv;
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw UserError("--out: cannot write '" + path + "'");
}

void run_power_curve(const PowerArguments& args, const LiaoInputs& inputs, const LiaoTerms& terms) {
  const auto [n_first, n_last] = parse_n_range(args.n_range);
  const std::vector<PowerAtN> curve = liao_power_curve(inputs, n_first, n_last);
  const bool write_files = !args.out_prefix.empty();
  if (write_files) {
    write_text_file(args.out_prefix + ".csv", power_curve_csv(curve));
    write_text_file(args.out_prefix + ".svg", power_curve_svg(curve));
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
  print_design(inputs, terms);
  std::printf("\n  %6s  %s\n", "N", "power");
  for (const PowerAtN& point : curve) std::printf("  %6d  %.6f\n", point.n, point.power);
  if (write_files) std::printf("\nWrote %s.csv and %s.svg\n", args.out_prefix.c_str(), args.out_prefix.c_str());
}

void run_power(const PowerArguments& args) {
  const LiaoInputs inputs = liao_inputs(args.design);
  const LiaoTerms terms = liao_terms(inputs);
  if (args.n_range_given->count() > 0) {
    run_power_curve(args, inputs, terms);
    return;
  }
  if (args.n_given->count() == 0) throw UserError("give --n N or --n-range FIRST:LAST");
  const PowerAtN at_n = liao_power(inputs, args.n);
  if (args.design.format == "json") {
    nlohmann::json out = design_json(args.design, inputs, terms);
    add_power_json(out, at_n);
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::printf("Power (Liao et al. 2016)\n");
  print_design(inputs, terms);
  print_row("participants N", std::to_string(at_n.n));
  print_power_rows(at_n);
}

void add_samplesize_command(CLI::App& app) {
  auto args = std::make_shared<SampleSizeArguments>();
  CLI::App* command =
      app.add_subcommand("samplesize", "Smallest number of participants reaching a target power (Liao et al. 2016)");
  add_design_options(command, args->design);
  command->add_option("--power", args->target_power, "target power")->capture_default_str();
  command->add_option("--max-n", args->max_n, "largest N scanned")->capture_default_str();
  command->callback([args] { run_samplesize(*args); });
}

void add_power_command(CLI::App& app) {
  auto args = std::make_shared<PowerArguments>();
  CLI::App* command = app.add_subcommand("power", "Power with N participants, or a power curve (Liao et al. 2016)");
  add_design_options(command, args->design);
  args->n_given = command->add_option("--n", args->n, "number of participants");
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
