#include "host/serve/continuous_calculator.h"

#include <algorithm>
#include <limits>

#include "core/user_error.h"
#include "host/serve/uploaded_column.h"
#include "sims/shapes.h"

namespace mrtsim::serve {
namespace {

constexpr double kUnbounded = std::numeric_limits<double>::max();
constexpr const char* kCurveTitle = "Power against the number of participants (Liao et al. 2016)";

// The CLI's largest N by default; beyond it the equivalent command needs --max-n.
constexpr int kCliDefaultMaxN = 1000;

std::vector<FieldSpec> design_fields() {
  std::vector<FieldSpec> fields = timeline_fields("");  // the CLI takes no availability file
  const std::vector<FieldSpec> effect_and_level = {
      {"effect_shape", "Effect pattern", "--effect"},
      {"effect_mean", "Average standardized effect", "--effect-mean"},
      {"effect_initial", "Effect on day 1", "--effect-initial"},
      {"effect_day_max", "Day of the largest effect", "--effect-max-day"},
      {"alpha", "Significance level", "--alpha"}};
  fields.insert(fields.end(), effect_and_level.begin(), effect_and_level.end());
  return fields;
}

ShapeSpec read_shape_kind(RequestFields& fields, const std::string& prefix, const std::string& day_field,
                          const std::string& kind) {
  ShapeSpec spec;
  spec.kind = kShapeKindNames.parse(kind, prefix + "_shape", "shape");
  spec.mean = fields.number(prefix + "_mean", -kUnbounded, kUnbounded);
  if (spec.kind != ShapeKind::kConstant) spec.initial = fields.number(prefix + "_initial", -kUnbounded, kUnbounded);
  if (spec.kind == ShapeKind::kQuadratic) spec.day_max = fields.whole_number(day_field, 1, 100000);
  return spec;
}

ShapeSpec read_shape(RequestFields& fields, const std::string& prefix, const std::string& day_field) {
  return read_shape_kind(fields, prefix, day_field,
                         fields.choice(prefix + "_shape", {"constant", "linear", "quadratic"}, "constant"));
}



void add_shape_arguments(std::string& command, const ShapeSpec& spec, const std::string& kind_option,
                         const std::string& prefix, const std::string& day_option) {
  command += " " + kind_option + " " + kShapeKindNames.name(spec.kind) + " " + prefix + "-mean " +
             exact_number_text(spec.mean);
  if (spec.kind != ShapeKind::kConstant) command += " " + prefix + "-initial " + exact_number_text(spec.initial);
  if (spec.kind == ShapeKind::kQuadratic) command += " " + day_option + " " + std::to_string(spec.day_max);
}

// The `mrtsim samplesize` / `mrtsim power` command that gives the same numbers; "" for an uploaded
// availability, which the command line does not take.
std::string equivalent_command(const ContinuousDesign& design, const SizingGoal& goal, int answer_n) {
  const LiaoInputs& in = design.inputs;
  if (!design.availability_file.empty()) return "";
  std::string command = std::string("mrtsim ") + (goal.sample_size ? "samplesize" : "power") + " --days " +
                        std::to_string(in.days) + " --decisions-per-day " + std::to_string(in.decisions_per_day);
  command += design.rand_prob_file.empty() ? " --rand-prob " + exact_number_text(design.rand_prob.front())
                                           : " --rand-prob-file " + shell_word(design.rand_prob_file);
  add_shape_arguments(command, in.availability, "--availability", "--avail", "--avail-change-day");
  add_shape_arguments(command, in.effect, "--effect", "--effect", "--effect-max-day");
  command += " --alpha " + exact_number_text(in.alpha);
  if (!goal.sample_size) return command + " --n " + std::to_string(goal.n);
  command += " --power " + exact_number_text(goal.target_power);
  if (answer_n > kCliDefaultMaxN) command += " --max-n " + std::to_string(kMaxParticipants);
  return command;
}

int first_valid_n(const LiaoInputs& inputs) {
  return std::max(10, effect_dimension(inputs.effect.kind) + inputs.q + 1);
}

nlohmann::ordered_json power_levels_json(const LiaoInputs& inputs) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (double level : table_power_levels()) {
    try {
      rows.push_back(power_level_row(level, liao_sample_size(inputs, level, kMaxParticipants).at_n.n, ""));
    } catch (const UserError&) {
      rows.push_back(power_level_row(level, std::nullopt, "not reached with N <= " + std::to_string(kMaxParticipants)));
    }
  }
  return rows;
}

// The per-day and per-decision patterns the page plots, each where its fields are valid.
nlohmann::ordered_json preview_plots(const ContinuousDesign& design, const RequestFields& fields,
                                     std::vector<FieldProblem>& problems, const std::vector<FieldSpec>& table) {
  nlohmann::ordered_json plots = nlohmann::ordered_json::object();
  const LiaoInputs& in = design.inputs;
  if (fields.has_problem("days") || fields.has_problem("decisions_per_day")) return plots;
  // A plot needs its own fields valid; an error computing it belongs to the first of them.
  const auto plot = [&](const char* name, const std::vector<const char*>& needs, auto&& make) {
    for (const char* field : needs)
      if (fields.has_problem(field)) return;
    try {
      plots[name] = make();
    } catch (const UserError& error) {
      FieldProblem problem = attribute_engine_message(error.what(), table);
      if (problem.field.empty()) problem.field = needs.front();
      problems.push_back(problem);
    }
  };
  if (!design.availability_file.empty()) {
    if (!in.availability_values.empty())
      plot("availability", {"avail_file"}, [&] {
        return pattern_chart("Expected availability", "decision point", "availability", in.availability_values, true);
      });
  } else {
    plot("availability", {"avail_shape", "avail_mean", "avail_initial", "avail_change_day"}, [&] {
      return pattern_chart("Expected availability", "day", "availability", shape_per_day(in.availability, in.days), true);
    });
  }
  plot("effect", {"effect_shape", "effect_mean", "effect_initial", "effect_day_max"}, [&] {
    return pattern_chart("Standardized proximal effect", "day", "effect", shape_per_day(in.effect, in.days), false);
  });
  if (!in.rand_prob.empty())
    plot("rand_prob", {"rand_prob", "rand_prob_file"}, [&] {
      return pattern_chart("Randomization probability", "decision point", "probability", in.rand_prob, true);
    });
  return plots;
}

}  // namespace

std::string continuous_design_summary(const ContinuousDesign& design) {
  const LiaoInputs& in = design.inputs;
  const std::string rand_prob = design.rand_prob_file.empty() ? input_value_text(design.rand_prob.front())
                                                              : "from " + design.rand_prob_file;
  return std::to_string(in.days) + " days x " + std::to_string(in.decisions_per_day) + " decisions; rand. prob. " +
         rand_prob + "; availability " +
         (design.availability_file.empty() ? shape_summary(in.availability) : "from " + design.availability_file) + "; effect " + shape_summary(in.effect) +
         "; alpha " + input_value_text(in.alpha);
}

std::vector<FieldSpec> continuous_fields(bool rand_prob_from_file) {
  std::vector<FieldSpec> fields = design_fields();
  if (rand_prob_from_file) fields.insert(fields.begin(), {"rand_prob_file", "Randomization probability file", "--rand-prob"});
  for (const FieldSpec& spec : sizing_goal_fields()) fields.push_back(spec);
  fields.push_back({"power", "the largest N", "--max-n"});  // N beyond the search: revise the design
  return fields;
}

bool continuous_rand_prob_from_file(const nlohmann::json& request) {
  return request.is_object() && request.value("rand_prob_source", "") == "file";
}

ContinuousDesign read_continuous_design(RequestFields& fields) {
  ContinuousDesign design;
  LiaoInputs& in = design.inputs;
  read_study_length(fields, in.days, in.decisions_per_day);
  const bool from_file = fields.choice("rand_prob_source", {"constant", "file"}, "constant") == "file";
  if (from_file)
    design.rand_prob = read_uploaded_column(fields, "rand_prob", "randomization probabilities", design.rand_prob_file);
  else
    design.rand_prob = {fields.number("rand_prob", -kUnbounded, kUnbounded)};
  const bool layout_ok = !fields.has_problem("days") && !fields.has_problem("decisions_per_day");
  const std::string avail_shape = fields.choice("avail_shape", {"constant", "linear", "quadratic", "file"}, "constant");
  if (avail_shape == "file") {
    const std::vector<double> values = read_uploaded_column(fields, "avail", "availabilities", design.availability_file);
    if (layout_ok && !values.empty()) {
      try {
        in.availability_values = per_decision_from_days_or_decisions(values, in.days, in.decisions_per_day, "availability");
        availability_per_decision(in);  // the formula's own checks of the values
      } catch (const UserError& error) {
        fields.add_problem("avail_file", design.availability_file + ": " + error.what());
      }
    }
  } else {
    in.availability = read_shape_kind(fields, "avail", "avail_change_day", avail_shape);
  }
  in.effect = read_shape(fields, "effect", "effect_day_max");
  in.alpha = fields.number("alpha", -kUnbounded, kUnbounded);
  if (layout_ok && !design.rand_prob.empty() && !fields.has_problem("rand_prob")) {
    try {
      in.rand_prob = from_file ? rand_prob_per_decision(design.rand_prob, in.days, in.decisions_per_day)
                               : rand_prob_per_decision(design.rand_prob.front(), in.days, in.decisions_per_day);
    } catch (const UserError& error) {
      const FieldProblem problem = attribute_engine_message(error.what(), continuous_fields(from_file));
      fields.add_problem(problem.field.empty() ? "days" : problem.field, problem.message);
    }
  }
  return design;
}

ContinuousAnswer continuous_answer(const ContinuousDesign& design, const SizingGoal& goal) {
  const std::vector<FieldSpec> table = continuous_fields(!design.rand_prob_file.empty());
  return with_fields(table, [&] {
    ContinuousAnswer answer;
    answer.first_valid_n = first_valid_n(design.inputs);
    if (goal.sample_size)
      answer.at_n = liao_sample_size(design.inputs, goal.target_power, kMaxParticipants).at_n;
    else
      answer.at_n = liao_power(design.inputs, goal.n);
    return answer;
  });
}

nlohmann::ordered_json continuous_preview(const nlohmann::json& request) {
  const std::vector<FieldSpec> table = continuous_fields(continuous_rand_prob_from_file(request));
  RequestFields fields(request, table);
  const ContinuousDesign design = read_continuous_design(fields);
  std::vector<FieldProblem> problems = fields.problems();
  nlohmann::ordered_json reply;
  reply["plots"] = preview_plots(design, fields, problems, table);
  if (problems.empty()) {
    try {
      liao_terms(design.inputs);
    } catch (const UserError& error) {
      problems.push_back(attribute_engine_message(error.what(), table));
    }
  }
  if (problems.empty()) reply["total_decisions"] = design.inputs.days * design.inputs.decisions_per_day;
  reply["errors"] = nlohmann::ordered_json::array();
  for (const FieldProblem& p : problems) reply["errors"].push_back({{"field", p.field}, {"message", p.message}});
  return reply;
}

nlohmann::ordered_json continuous_calculate(const nlohmann::json& request) {
  const std::vector<FieldSpec> table = continuous_fields(continuous_rand_prob_from_file(request));
  RequestFields fields(request, table);
  const ContinuousDesign design = read_continuous_design(fields);
  const SizingGoal goal = read_sizing_goal(fields);
  fields.finish();
  const ContinuousAnswer answer = continuous_answer(design, goal);
  const LiaoTerms terms = with_fields(table, [&] { return liao_terms(design.inputs); });
  // Plain variables, not a structured binding: the lambdas below capture them (C++17).
  const std::pair<int, int> range =
      with_fields(table, [&] { return curve_range(goal, answer.at_n.n, answer.first_valid_n); });
  const int from = range.first, to = range.second;
  std::vector<std::pair<int, double>> points;
  for (const PowerAtN& point : with_fields(table, [&] { return liao_power_curve(design.inputs, from, to); }))
    points.emplace_back(point.n, point.power);

  nlohmann::ordered_json reply;
  reply["outcome"] = "continuous";
  reply["mode"] = goal.sample_size ? "sample_size" : "power";
  reply["n"] = answer.at_n.n;
  reply["power"] = answer.at_n.power;
  if (goal.sample_size) reply["target_power"] = goal.target_power;
  reply["df1"] = answer.at_n.df1;
  reply["df2"] = answer.at_n.df2;
  reply["ncp"] = answer.at_n.ncp;
  reply["critical_value"] = answer.at_n.critical_value;
  reply["p"] = terms.p;
  reply["q"] = design.inputs.q;
  reply["alpha"] = design.inputs.alpha;
  reply["first_valid_n"] = answer.first_valid_n;
  reply["curve"] = {{"from", from}, {"to", to}, {"points", points}, {"svg", power_curve_chart(points, kCurveTitle)}};
  reply["power_levels"] = power_levels_json(design.inputs);
  reply["summary"] = continuous_design_summary(design);
  reply["command"] = equivalent_command(design, goal, answer.at_n.n);
  reply["warnings"] = nlohmann::ordered_json::array();
  return reply;
}

}  // namespace mrtsim::serve
