#include "host/serve/check_study.h"

#include <cmath>
#include <limits>
#include <sstream>

#include "core/user_error.h"
#include "host/engine/cohn_scenario_plan.h"
#include "host/serve/binary_calculator.h"
#include "host/serve/continuous_calculator.h"
#include "host/serve/request_fields.h"
#include "host/serve/sizing_common.h"

namespace mrtsim::serve {
namespace {

constexpr const char* kStudyLabel = "the check's study file";
constexpr long long kReplicatesPerUnit = 100;  // progress and cancel every 100 replicates of a cell
constexpr int kMaxFeedbackLagsUsed = 5;        // Liao et al. (2016) Appendix A.1, Table 5B

std::string yaml_list(const std::vector<double>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + exact_number_text(values[i]);
  return text + "]";
}

// A YAML double-quoted scalar.
std::string yaml_text(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return quoted + "\"";
}

std::string shape_yaml(const ShapeSpec& spec, const char* vertex_key) {
  std::string text = "{shape: " + std::string(kShapeKindNames.name(spec.kind)) + ", mean: " + exact_number_text(spec.mean);
  if (spec.kind != ShapeKind::kConstant) text += ", initial: " + exact_number_text(spec.initial);
  if (spec.kind == ShapeKind::kQuadratic) text += ", " + std::string(vertex_key) + ": " + std::to_string(spec.day_max);
  return text + "}";
}

// What every check asks for: its size and seed.
struct CheckRun {
  long long replicates = 2000;
  uint64_t seed = 1;
};

CheckRun read_run(RequestFields& fields, const CheckLimits& limits) {
  CheckRun run;
  run.replicates = fields.whole_number("replicates", 1, static_cast<int>(limits.max_replicates));
  run.seed = static_cast<uint64_t>(fields.whole_number("seed", 0, std::numeric_limits<int>::max()));
  return run;
}

// The continuous outcome's violations of the working assumptions.
struct ContinuousViolations {
  std::string error = "normal";
  int error_df = 3;
  double error_phi = 0.0;
  double feedback_eta = 0.0;
  std::optional<double> true_effect_mean, true_avail_mean;
};

ContinuousViolations read_continuous_violations(RequestFields& fields) {
  ContinuousViolations s;
  s.error = fields.choice("error", {"normal", "student_t", "exponential", "ar1", "ar5"}, "normal");
  if (s.error == "student_t") s.error_df = fields.whole_number("error_df", 3, 30);
  if (s.error == "ar1" || s.error == "ar5") s.error_phi = fields.number("error_phi", -0.99, 0.99);
  s.feedback_eta = fields.optional_number("feedback_eta", -1.0, 1.0).value_or(0.0);
  s.true_effect_mean = fields.optional_number("true_effect_mean", -1e6, 1e6);
  s.true_avail_mean = fields.optional_number("true_avail_mean", 0.0, 1.0);
  return s;
}

// The binary outcome's violations (Cohn et al. 2023 Section 6.3; ranges checked by the study reader).
struct BinaryViolations {
  double delayed_effect = 0.0, serial_correlation = 0.0;
  std::optional<EndogenousAvailability> endogenous;
};

BinaryViolations read_binary_violations(RequestFields& fields) {
  constexpr double kWide = 1e6;
  BinaryViolations v;
  v.delayed_effect = fields.optional_number("delayed_effect", -kWide, kWide).value_or(0.0);
  v.serial_correlation = fields.optional_number("serial_correlation", -kWide, kWide).value_or(0.0);
  if (fields.flag("endogenous_availability")) {
    EndogenousAvailability& e = v.endogenous.emplace();
    e.base = fields.number("endo_base", -kWide, kWide);
    e.treatment = fields.number("endo_treatment", -kWide, kWide);
    e.outcome = fields.number("endo_outcome", -kWide, kWide);
  }
  return v;
}

std::string join_violations(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& p : parts) text += (text.empty() ? "" : "; ") + p;
  return text.empty() ? "working assumptions" : text;
}

std::string binary_violations_text(const BinaryViolations& v) {
  std::vector<std::string> parts;
  if (v.delayed_effect != 0.0) parts.push_back("delayed effect " + input_value_text(v.delayed_effect));
  if (v.serial_correlation != 0.0) parts.push_back("serial correlation " + input_value_text(v.serial_correlation));
  if (v.endogenous)
    parts.push_back("endogenous availability " + input_value_text(v.endogenous->base) + " + " +
                    input_value_text(v.endogenous->treatment) + " A + " + input_value_text(v.endogenous->outcome) + " Y");
  return join_violations(parts);
}

std::string error_yaml(const ContinuousViolations& s) {
  if (s.error == "student_t") return "{type: student_t, df: " + std::to_string(s.error_df) + "}";
  if (s.error == "ar1" || s.error == "ar5") return "{type: " + s.error + ", phi: " + exact_number_text(s.error_phi) + "}";
  return "{type: " + s.error + "}";
}

std::string continuous_violations(const ContinuousViolations& s, const ContinuousDesign& design) {
  std::vector<std::string> parts;
  if (s.error == "student_t") parts.push_back("t(" + std::to_string(s.error_df) + ") errors");
  if (s.error == "exponential") parts.push_back("skewed (exponential) errors");
  if (s.error == "ar1" || s.error == "ar5")
    parts.push_back((s.error == "ar1" ? "AR(1)" : "AR(5)") + std::string(" errors, phi ") + input_value_text(s.error_phi));
  if (s.feedback_eta != 0.0) parts.push_back("availability feedback, eta " + input_value_text(s.feedback_eta));
  if (s.true_effect_mean && *s.true_effect_mean != design.inputs.effect.mean)
    parts.push_back("true average effect " + input_value_text(*s.true_effect_mean));
  if (s.true_avail_mean && *s.true_avail_mean != design.inputs.availability.mean)
    parts.push_back("true average availability " + input_value_text(*s.true_avail_mean));
  return join_violations(parts);
}

// The field a study-reader message is about, from the key it names ("FILE:LINE: key 'a.b': ...").
FieldProblem attribute_study_message(const std::string& message, const std::vector<FieldSpec>& table,
                                     const std::vector<std::pair<std::string, std::string>>& key_fields) {
  const std::size_t key_at = message.find("key '");
  if (key_at == std::string::npos) return {"", message};
  const std::size_t key_end = message.find('\'', key_at + 5);
  const std::string key = message.substr(key_at + 5, key_end - key_at - 5);
  const std::string what = key_end + 1 < message.size() ? message.substr(message.find_first_not_of(": ", key_end + 1)) : "";
  for (const auto& [prefix, field] : key_fields)
    if (key.rfind(prefix, 0) == 0)
      return {field, field_label(table, field) + ": " + what + " (study file key '" + key + "')"};
  return {"", what + " (study file key '" + key + "')"};
}

StudyConfig read_check_study(const std::string& yaml, const std::vector<FieldSpec>& table,
                             const std::vector<std::pair<std::string, std::string>>& key_fields) {
  try {
    return parse_study(yaml, kStudyLabel);
  } catch (const UserError& error) {
    throw InvalidFields({attribute_study_message(error.what(), table, key_fields)});
  }
}

void require_bounded_work(const CheckRun& run, int n, int decisions, int hypotheses, const CheckLimits& limits) {
  const double work = static_cast<double>(run.replicates) * hypotheses * n * decisions;
  if (work > limits.max_subject_decisions)
    throw InvalidFields("replicates", "this check would simulate " + input_value_text(work) +
                                          " subject-decision points (replicates x 2 hypotheses x N x decision "
                                          "points); the server allows " + input_value_text(limits.max_subject_decisions) +
                                          ": lower the replicates");
}

std::string study_header(const std::string& summary, const std::string& violations, const CheckRun& run) {
  std::ostringstream yaml;
  yaml << "# Check by simulation from the mrtsim web calculator (mrtsim serve).\n"
       << "# Design: " << summary << "\n"
       << "# Simulated under: " << violations << "\n"
       << "# Reproduce the page's numbers with: mrtsim run THIS_FILE.yaml --out DIR\n"
       << "study:\n"
       << "  name: serve_check\n"
       << "  description: " << yaml_text("Check by simulation: " + summary) << "\n"
       << "  seed: " << run.seed << "\n"
       << "  replicates: " << run.replicates << "\n"
       << "  replicates_per_unit: " << kReplicatesPerUnit << "\n";
  return yaml.str();
}

std::vector<std::string> polynomial_terms(const std::string& variable, int columns) {
  std::vector<std::string> terms;
  for (int power = 1; power < columns; ++power) terms.push_back(power == 1 ? variable : variable + "^" + std::to_string(power));
  return terms;
}

std::string terms_yaml(const std::vector<std::string>& terms) {
  std::string text = "[";
  for (std::size_t i = 0; i < terms.size(); ++i) text += (i ? ", " : "") + terms[i];
  return text + "]";
}

Eigen::VectorXd exp_of(const Eigen::VectorXd& log_values) { return log_values.array().exp().matrix(); }

std::string yaml_list(const Eigen::VectorXd& values) {
  return yaml_list(std::vector<double>(values.data(), values.data() + values.size()));
}

std::vector<FieldSpec> run_fields() { return {{"replicates", "Replicates per hypothesis", ""}, {"seed", "Seed", ""}}; }

std::vector<FieldSpec> continuous_check_fields() {
  return {{"error", "Outcome errors", ""},
          {"error_df", "Degrees of freedom of the t errors", ""},
          {"error_phi", "Autocorrelation phi", ""},
          {"feedback_eta", "Availability feedback eta", ""},
          {"true_effect_mean", "True average effect", ""},
          {"true_avail_mean", "True average availability", ""}};
}

std::vector<FieldSpec> binary_check_fields() {
  return {{"delayed_effect", "Delayed effect of the last treatment", ""},
          {"serial_correlation", "Serial correlation of the outcome", ""},
          {"endogenous_availability", "Availability depends on the last treatment and outcome", ""},
          {"endo_base", "Availability after no treatment and no success", ""},
          {"endo_treatment", "Change of availability after a treatment", ""},
          {"endo_outcome", "Change of availability after a success", ""}};
}

// A design's field table followed by the check's own fields.
std::vector<FieldSpec> check_table(std::vector<FieldSpec> table, const std::vector<FieldSpec>& violations) {
  table.insert(table.end(), violations.begin(), violations.end());
  const std::vector<FieldSpec> run = run_fields();
  table.insert(table.end(), run.begin(), run.end());
  return table;
}

}  // namespace

CheckStudy continuous_check_study(const nlohmann::json& request, const CheckLimits& limits) {
  const std::vector<FieldSpec> table =
      check_table(continuous_fields(continuous_rand_prob_from_file(request)), continuous_check_fields());
  RequestFields fields(request, table);
  const ContinuousDesign design = read_continuous_design(fields);
  const SizingGoal goal = read_sizing_goal(fields);
  const CheckRun run = read_run(fields, limits);
  const ContinuousViolations s = read_continuous_violations(fields);
  fields.finish();
  if (!design.availability_file.empty())
    throw InvalidFields("avail_shape", "the check by simulation needs an availability pattern (constant, linear or "
                                       "quadratic): the liao2016 model takes no availability column");
  const ContinuousAnswer answer = continuous_answer(design, goal);
  const LiaoInputs& in = design.inputs;
  require_bounded_work(run, answer.at_n.n, in.days * in.decisions_per_day, 2, limits);

  ShapeSpec true_effect = in.effect, true_availability = in.availability;
  if (s.true_effect_mean) true_effect.mean = *s.true_effect_mean;
  if (s.true_avail_mean) true_availability.mean = *s.true_avail_mean;
  CheckStudy check;
  check.outcome = "continuous";
  check.n = answer.at_n.n;
  check.formula_power = answer.at_n.power;
  check.target_power = goal.sample_size ? goal.target_power : 0.0;
  check.design_summary = continuous_design_summary(design);
  check.violations = continuous_violations(s, design);

  std::ostringstream yaml;
  yaml << study_header(check.design_summary, check.violations, run) << "\nmodel:\n"
       << "  type: liao2016\n"
       << "  days: " << in.days << "\n"
       << "  decisions_per_day: " << in.decisions_per_day << "\n"
       << "  rand_prob: " << (design.rand_prob.size() == 1 ? exact_number_text(design.rand_prob[0]) : yaml_list(design.rand_prob))
       << "\n"
       << "  availability: " << shape_yaml(true_availability, "change_day") << "\n";
  if (s.feedback_eta != 0.0)
    yaml << "  availability_feedback: {eta: " << exact_number_text(s.feedback_eta) << ", lags: " << kMaxFeedbackLagsUsed << "}\n";
  yaml << "  effect: " << shape_yaml(true_effect, "day_max") << "\n"
       << "  error: " << error_yaml(s) << "\n\n";
  if (goal.sample_size)
    yaml << "# N from the Liao et al. (2016) formula with the design's effect and availability\n"
         << "sample_size:\n"
         << "  method: formula\n"
         << "  power: " << exact_number_text(goal.target_power) << "\n"
         << "  max_n: " << kMaxParticipants << "\n"
         << "  effect: " << shape_yaml(in.effect, "day_max") << "\n"
         << "  availability: " << shape_yaml(in.availability, "change_day") << "\n\n";
  else
    yaml << "sample_size: " << goal.n << "\n\n";
  yaml << "hypotheses: [null, alternative]\n\n"
       << "analysis:\n"
       << "  estimator: wcls\n"
       << "  controls: [day, day^2]\n"
       << "  moderators: " << terms_yaml(polynomial_terms("day", effect_dimension(in.effect.kind))) << "\n"
       << "  numerator_prob: rand_prob\n"
       << "  small_sample_correction: always\n"
       << "  test: hotelling\n"
       << "  alpha: " << exact_number_text(in.alpha) << "\n\n"
       << "output:\n"
       << "  target_power: " << exact_number_text(goal.sample_size ? goal.target_power : answer.at_n.power) << "\n";
  check.yaml = yaml.str();
  const std::vector<std::pair<std::string, std::string>> key_fields = {
      {"model.availability_feedback", "feedback_eta"}, {"model.availability", "true_avail_mean"},
      {"model.effect", "true_effect_mean"},            {"model.error", "error"},
      {"model.rand_prob", "rand_prob"},                {"study.replicates", "replicates"},
      {"study.seed", "seed"},                          {"sample_size", "power"}};
  check.study = read_check_study(check.yaml, table, key_fields);
  return check;
}

CheckStudy binary_check_study(const nlohmann::json& request, const CheckLimits& limits) {
  const std::vector<FieldSpec> table = check_table(binary_fields(), binary_check_fields());
  RequestFields fields(request, table);
  const BinaryDesign design = read_binary_design(fields);
  const SizingGoal goal = read_sizing_goal(fields);
  const CheckRun run = read_run(fields, limits);
  const BinaryViolations v = read_binary_violations(fields);
  fields.finish();
  const BinaryAnswer answer = binary_answer(design, goal);
  const CohnInputs& in = design.inputs;
  const int m = static_cast<int>(in.availability.size());
  CheckStudy check;
  check.outcome = "binary";
  check.n = static_cast<int>(std::ceil(answer.n));
  check.formula_power = answer.at_n.power;
  check.target_power = goal.sample_size ? goal.target_power : 0.0;
  check.design_summary = binary_design_summary(design);
  check.violations = binary_violations_text(v);
  require_bounded_work(run, check.n, m, 2, limits);

  // The model holds the calculator's curves point by point, so the formula's working model is the
  // simulated one unless a violation is chosen; the analysis has the formula's columns 1, t, t^2.
  std::ostringstream yaml;
  yaml << study_header(check.design_summary, check.violations, run) << "\nmodel:\n"
       << "  type: cohn2023\n"
       << "  decisions: " << m << "\n"
       << "  availability: " << yaml_list(in.availability) << "\n"
       << "  rand_prob: " << yaml_list(in.rand_prob) << "\n"
       << "  spnc: " << yaml_list(exp_of(in.g * in.alpha)) << "\n"
       << "  effect: " << yaml_list(exp_of(in.f * in.beta)) << "\n";
  if (v.delayed_effect != 0.0) yaml << "  delayed_effect: " << exact_number_text(v.delayed_effect) << "\n";
  if (v.serial_correlation != 0.0) yaml << "  serial_correlation: " << exact_number_text(v.serial_correlation) << "\n";
  if (v.endogenous)
    yaml << "  endogenous_availability: {base: " << exact_number_text(v.endogenous->base)
         << ", treatment: " << exact_number_text(v.endogenous->treatment)
         << ", outcome: " << exact_number_text(v.endogenous->outcome) << "}\n";
  yaml << "\n# N from the Cohn et al. (2023) formula"
       << (goal.sample_size ? " for power " + exact_number_text(goal.target_power) : std::string(" (asked for)")) << "\n"
       << "sample_size: " << check.n << "\n\n"
       << "hypotheses: [null, alternative]\n\n"
       << "analysis:\n"
       << "  estimator: emee2\n"
       << "  controls: " << terms_yaml(polynomial_terms("t", static_cast<int>(in.g.cols()))) << "\n"
       << "  moderators: " << terms_yaml(polynomial_terms("t", static_cast<int>(in.f.cols()))) << "\n"
       << "  test: hotelling\n"
       << "  alpha: " << exact_number_text(in.type1) << "\n\n"
       << "output:\n"
       << "  target_power: " << exact_number_text(goal.sample_size ? goal.target_power : answer.at_n.power) << "\n";
  check.yaml = yaml.str();
  const std::vector<std::pair<std::string, std::string>> key_fields = {
      {"model.delayed_effect", "delayed_effect"},   {"model.serial_correlation", "serial_correlation"},
      {"model.endogenous_availability", "endo_base"}, {"model.availability", "avail_shape"},
      {"model.rand_prob", "rand_prob"},             {"model.spnc", "spnc_shape"},
      {"model.effect", "rr_shape"},                 {"study.replicates", "replicates"},
      {"study.seed", "seed"},                       {"sample_size", "n"},
      // The rest of the model: a success probability above 1, which only the violations can cause
      // (the formula has checked the design's curves under both arms).
      {"model", v.delayed_effect != 0.0 ? "delayed_effect" : "serial_correlation"}};
  check.study = read_check_study(check.yaml, table, key_fields);
  // The planner's checks (success probabilities under every history), before the run is started.
  try {
    for (Hypothesis hypothesis : check.study.hypotheses)
      CohnScenarioPlan(check.study, check.study.scenarios.front(), hypothesis);
  } catch (const UserError& error) {
    throw InvalidFields({attribute_study_message(error.what(), table, key_fields)});
  }
  return check;
}

}  // namespace mrtsim::serve
