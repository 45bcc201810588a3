#include "host/config/study_config.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <sstream>

#include "core/text_file.h"
#include "core/user_error.h"
#include "host/config/yaml_reader.h"
#include "host/stats/performance_measures.h"
#include "kernels/distal_simulation.h"
#include "kernels/wcls_permutation.h"

namespace mrtsim {

namespace {

constexpr int kMaxSampleSize = 1 << 20;
constexpr size_t kMaxStudyNameLength = 100;

std::string format_number(double value) {
  std::ostringstream out;
  out.precision(6);
  out << value;
  return out.str();
}

// Every value of a per-day model curve within +-kMaxModelMagnitude; `where` names its key.
void require_moderate_per_day(const std::vector<double>& per_day, const std::string& where, const char* what) {
  for (size_t k = 0; k < per_day.size(); ++k)
    if (!(std::fabs(per_day[k]) <= kMaxModelMagnitude))
      throw UserError(where + ": the " + std::string(what) + " on day " + std::to_string(k + 1) + " is " +
                      format_number(per_day[k]) + ", outside [-" + format_number(kMaxModelMagnitude) + ", " +
                      format_number(kMaxModelMagnitude) + "] (outcomes are in units of the error SD)");
}

// Study names become folder names (results/<name>): one path component of letters, digits, '_',
// '-' and '.', not starting with '.'.
std::string checked_study_name(const YamlMap& meta) {
  const std::string name = meta.get_string("name");
  bool safe = !name.empty() && name.size() <= kMaxStudyNameLength && name[0] != '.';
  for (char c : name) safe = safe && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.');
  if (!safe)
    throw UserError(meta.where("name") + ": '" + name + "' is not a valid study name (it names the folder results/" +
                    "<name>: use 1 to " + std::to_string(kMaxStudyNameLength) +
                    " letters, digits, '_', '-' or '.', not starting with '.')");
  return name;
}

ErrorConfig parse_error(const YamlMap& m) {
  ErrorConfig e;
  const std::string type = m.get_string("type");
  if (type == "normal") {
    e.kind = ErrorKind::kNormal;
    m.reject_unknown_keys({"type"});
  } else if (type == "student_t") {
    e.kind = ErrorKind::kStudentT;
    e.student_df = static_cast<int>(m.get_int("df", 3, kMaxStudentTDf, 3));
    m.reject_unknown_keys({"type", "df"});
  } else if (type == "exponential") {
    e.kind = ErrorKind::kExponential;
    m.reject_unknown_keys({"type"});
  } else if (type == "ar1" || type == "ar5") {
    e.kind = ErrorKind::kAutoregressive;
    e.ar_order = type == "ar1" ? 1 : 5;
    // |phi| < 1 keeps both processes stationary (AR(5) with equal coefficients phi/5 needs |phi| < 1).
    e.phi = m.get_double("phi", -0.99, 0.99);
    m.reject_unknown_keys({"type", "phi"});
  } else {
    throw UserError(m.where("type") + ": unknown error type '" + type +
                    "' (expected normal, student_t, exponential, ar1 or ar5)");
  }
  return e;
}

ShapeSpec parse_shape(const YamlMap& m, double min_value, double max_value, const char* vertex_key) {
  ShapeSpec s;
  s.kind = kShapeKindNames.parse(m.get_string("shape"), m.where("shape"), "shape");
  s.mean = m.get_double("mean", min_value, max_value);
  if (s.kind != ShapeKind::kConstant) s.initial = m.get_double("initial", min_value, max_value);
  if (s.kind == ShapeKind::kQuadratic) s.day_max = static_cast<int>(m.get_int(vertex_key, 1, 100000));
  if (s.kind == ShapeKind::kConstant) m.reject_unknown_keys({"shape", "mean"});
  if (s.kind == ShapeKind::kLinear) m.reject_unknown_keys({"shape", "mean", "initial"});
  if (s.kind == ShapeKind::kQuadratic) m.reject_unknown_keys({"shape", "mean", "initial", vertex_key});
  return s;
}

// `error_scale: {sd_ratio: r, trend: constant | {weekday: a, weekend: b}}` (Section 6.2.3).
ErrorScaleConfig parse_error_scale(const YamlMap& m) {
  ErrorScaleConfig e;
  e.sd_ratio = m.get_double("sd_ratio", 1e-3, 1e3);
  if (m.has("trend")) {
    const YAML::Node trend = m.child("trend");
    if (trend.IsMap()) {
      const YamlMap weekly = m.map("trend");
      e.weekly = true;
      e.weekday_sd = weekly.get_double("weekday", 1e-3, 1e3);
      e.weekend_sd = weekly.get_double("weekend", 1e-3, 1e3);
      weekly.reject_unknown_keys({"weekday", "weekend"});
    } else if (!(trend.IsScalar() && trend.Scalar() == "constant")) {
      throw UserError(m.where("trend") + ": expected 'constant' or {weekday: SD, weekend: SD}");
    }
  }
  m.reject_unknown_keys({"sd_ratio", "trend"});
  return e;
}

// `treatment_carryover: {lags, eta_exposure, eta_noise, gamma_level, gamma_effect, monte_carlo_subjects}`
// (Section 6.2.4).
CarryoverConfig parse_carryover(const YamlMap& m) {
  CarryoverConfig c;
  c.lags = static_cast<int>(m.get_int("lags", 1, kMaxFeedbackLags, 5));
  c.eta_exposure = m.get_double("eta_exposure", -1.0, 1.0);
  c.eta_noise = m.get_double("eta_noise", -1.0, 1.0);
  c.gamma_level = m.get_double("gamma_level", -100.0, 100.0);
  c.gamma_effect = m.get_double("gamma_effect", -100.0, 100.0);
  // Below ~1e4 subjects E[C_t | I_t = 1] is too noisy to centre C_t (MC SE ~ 1/sqrt(subjects)).
  c.monte_carlo_subjects = m.get_int("monte_carlo_subjects", 10000, 100000000, c.monte_carlo_subjects);
  m.reject_unknown_keys({"lags", "eta_exposure", "eta_noise", "gamma_level", "gamma_effect", "monte_carlo_subjects"});
  return c;
}

// A per-day curve: values (a list, {values|within_day: list} or {file, column}) or a shape.
LiaoCurveInput parse_curve(const YamlMap& m, const std::string& key, double min_value, double max_value,
                           const char* vertex_key) {
  LiaoCurveInput curve;
  if (!read_decision_values(m, key, min_value, max_value, true, curve.values))
    curve.shape = parse_shape(m.map(key), min_value, max_value, vertex_key);
  return curve;
}

// `baseline`: a list of polynomial coefficients in the day, or alpha(t) itself ({values: [...]},
// {within_day: [...]} or {file, column}).
void parse_baseline(const YamlMap& m, LiaoModelConfig& c) {
  if (!m.has("baseline")) return;
  if (m.child("baseline").IsSequence()) {
    c.baseline = m.get_double_list("baseline", -kMaxModelMagnitude, kMaxModelMagnitude);
    if (c.baseline.empty()) throw UserError(m.where("baseline") + ": needs at least one coefficient");
    require_moderate_per_day(baseline_per_day(c.baseline, c.days), m.where("baseline"), "baseline");
  } else if (!read_decision_values(m, "baseline", -kMaxModelMagnitude, kMaxModelMagnitude, true, c.baseline_values)) {
    throw UserError(m.where("baseline") +
                    ": expected polynomial coefficients [c0, c1, ...] in the day, or alpha(t) "
                    "itself as {values: [...]}, {within_day: [...]} or {file: F.csv, column: NAME}");
  }
}

// The shapes' checks (the values given instead are checked when the study is planned).
void check_model_shapes(const YamlMap& m, const LiaoModelConfig& c) {
  if (!c.effect.values.given()) {
    // The effect's maximum must lie in the study; the availability's turning point may lie after the
    // last day, as in the sample-size formula (MRTSampleSize's own examples), and the [0, 1] check
    // below still covers every day.
    const ShapeSpec& effect = c.effect.shape;
    if (effect.kind == ShapeKind::kQuadratic && effect.day_max > c.days)
      throw UserError(m.map("effect").where("day_max") + ": day " + std::to_string(effect.day_max) +
                      " is after the last day (" + std::to_string(c.days) + ")");
    require_moderate_per_day(shape_per_day(effect, c.days), m.map("effect").where(), "effect");
  }
  if (c.availability.values.given()) return;
  const std::vector<double> tau = shape_per_day(c.availability.shape, c.days);
  for (int k = 0; k < c.days; ++k)
    if (tau[k] < 0.0 || tau[k] > 1.0)
      throw UserError(m.map("availability").where() + ": expected availability on day " + std::to_string(k + 1) +
                      " is " + std::to_string(tau[k]) + ", outside [0, 1]");
}

LiaoModelConfig parse_model(const YamlMap& m) {
  LiaoModelConfig c;
  c.days = static_cast<int>(m.get_int("days", 1, 3650));
  c.decisions_per_day = static_cast<int>(m.get_int("decisions_per_day", 1, 1000));
  if (!read_decision_values(m, "rand_prob", 1e-9, 1.0 - 1e-9, true, c.rand_prob_values))
    c.rand_prob = m.get_double("rand_prob", 1e-9, 1.0 - 1e-9);
  c.availability = parse_curve(m, "availability", 0.0, 1.0, "change_day");
  if (m.has("availability_feedback")) {
    const YamlMap f = m.map("availability_feedback");
    c.feedback_eta = f.get_double("eta", -1.0, 1.0);
    c.feedback_lags = static_cast<int>(f.get_int("lags", 1, kMaxFeedbackLags, 5));
    f.reject_unknown_keys({"eta", "lags"});
  }
  parse_baseline(m, c);
  c.weekend_effect = m.get_double("weekend_effect", -kMaxModelMagnitude, kMaxModelMagnitude, 0.0);
  c.effect = parse_curve(m, "effect", -kMaxModelMagnitude, kMaxModelMagnitude, "day_max");
  c.error = parse_error(m.map("error"));
  if (m.has("error_scale")) c.error_scale = parse_error_scale(m.map("error_scale"));
  if (m.has("treatment_carryover")) {
    // The C_t model has its own availability feedback and sets the error SD to sigma*.
    if (m.has("availability_feedback") || m.has("error_scale"))
      throw UserError(m.where("treatment_carryover") +
                      ": cannot be combined with availability_feedback or error_scale in one model");
    c.carryover = parse_carryover(m.map("treatment_carryover"));
  }
  if (m.has("dropout")) {
    // The C_t model's Monte Carlo moments and sigma* describe participants who stay to the end.
    if (m.has("treatment_carryover"))
      throw UserError(m.where("dropout") + ": cannot be combined with treatment_carryover in one model");
    c.dropout = parse_dropout(m.map("dropout"), "rate_per_day", "day");
  }
  m.reject_unknown_keys({"type", "days", "decisions_per_day", "rand_prob", "availability", "availability_feedback",
                         "baseline", "weekend_effect", "effect", "error", "error_scale", "treatment_carryover",
                         "dropout"});
  check_model_shapes(m, c);
  return c;
}

// A fixed-length list of numbers in [min, max] under `key`, if present.
void read_numbers(const YamlMap& m, const std::string& key, double* out, size_t count, double min = -kMaxModelMagnitude,
                  double max = kMaxModelMagnitude) {
  if (!m.has(key)) return;
  const std::vector<double> values = m.get_double_list(key, min, max);
  if (values.size() != count)
    throw UserError(m.where(key) + ": expected " + std::to_string(count) + " numbers, got " +
                    std::to_string(values.size()));
  for (size_t i = 0; i < count; ++i) out[i] = values[i];
}

QianModelConfig parse_qian_model(const YamlMap& m) {
  QianModelConfig c;
  c.decisions = static_cast<int>(m.get_int("decisions", 2, 10000, 30));
  c.availability = m.get_double("availability", 1e-9, 1.0, 0.8);
  if (m.has("rand_prob")) {
    const YAML::Node p = m.child("rand_prob");
    c.time_varying_prob = p.IsScalar() && p.Scalar() == "timevar";
    if (!c.time_varying_prob)
      c.constant_prob = yaml_to_double(p, m.where("rand_prob") + " (timevar or a number in (0,1))", 1e-9, 1.0 - 1e-9);
  }
  read_numbers(m, "theta", c.theta, 3);
  // X_t = theta0 + theta1 A_{t-1} + theta2 X_{t-1} + eta_t grows geometrically over the decisions when
  // |theta2| > 1 (and overflows within a few hundred of them).
  if (std::fabs(c.theta[2]) > 1.0)
    throw UserError(m.where("theta") + ": theta[3] = " + format_number(c.theta[2]) +
                    " makes X_t explode over the decision points; give a value in [-1, 1]");
  read_numbers(m, "zeta", c.zeta, 3);
  const std::pair<const char*, LinearSequence*> sequences[] = {
      {"alpha", &c.alpha}, {"beta", &c.beta}, {"gamma", &c.gamma}, {"lambda", &c.lambda}, {"xi", &c.xi}};
  for (const auto& [key, sequence] : sequences) {
    double ends[2] = {sequence->first, sequence->last};
    read_numbers(m, key, ends, 2);
    *sequence = LinearSequence{ends[0], ends[1]};
  }
  m.reject_unknown_keys(
      {"type", "decisions", "availability", "rand_prob", "theta", "zeta", "alpha", "beta", "gamma", "lambda", "xi"});
  return c;
}

bool is_emee(Estimator e) { return e == Estimator::kEmee || e == Estimator::kEmee2; }

bool has_term(const std::vector<Term>& terms, Term::Variable v) {
  for (const Term& t : terms)
    if (t.variable == v) return true;
  return false;
}

bool has_smooth_term(const std::vector<Term>& terms) {
  for (const Term& t : terms)
    if (t.smooth) return true;
  return false;
}

// The analyses the qian2025 model supports: controls X and Z (the paper's; smooth terms of them with
// the gam learner), moderators none or Z.
void check_distal_analysis(const AnalysisConfig& a, const YamlMap& m, int sample_size, const std::string& size_where) {
  if (is_emee(a.estimator))
    throw UserError(m.where("estimator") + ": estimator " + kEstimatorNames.name(a.estimator) +
                    " needs a binary proximal outcome (model type cohn2023)");
  const bool controls_ok = a.controls.size() == 3 && has_term(a.controls, Term::Variable::kCovariateX) &&
                           has_term(a.controls, Term::Variable::kCovariateZ);
  if (!controls_ok)
    throw UserError(m.where("controls") +
                    ": the qian2025 model's analyses use controls [X, Z], as in the paper "
                    "(with nuisance gam, smooth terms of them such as 's(X, bs = \"cr\")')");
  const std::string moderators_key = m.has("moderator_sets") ? "moderator_sets" : "moderators";
  bool listed[2] = {false, false};  // [] and [Z]
  for (const std::vector<Term>& set : a.moderator_sets) {
    const bool moderators_ok = set.size() == 1 || (set.size() == 2 && has_term(set, Term::Variable::kCovariateZ));
    if (!moderators_ok)
      throw UserError(m.where(moderators_key) +
                      ": the qian2025 model's effects are marginal ([]) or moderated by Z ([Z])");
    if (listed[set.size() - 1])
      throw UserError(m.where(moderators_key) + ": the effect model " + (set.size() == 1 ? "[]" : "[Z]") +
                      " is listed twice");
    listed[set.size() - 1] = true;
  }
  if (has_smooth_term(a.controls) && !(a.estimator == Estimator::kDcee && a.nuisance == NuisanceModel::kGam))
    throw UserError(m.where("controls") + ": smooth terms s() are only for estimator dcee with nuisance gam");
  if (a.estimator == Estimator::kSnmm && sample_size < kMinSnmmSampleSize)
    throw UserError(size_where + ": the SNMM comparator needs at least " + std::to_string(kMinSnmmSampleSize) +
                    " subjects (as in the paper: its g-estimation systems are often singular below), got " +
                    std::to_string(sample_size));
  if (a.permutation)
    throw UserError(m.where("permutation") + ": permutation tests run on the liao2016 model's proximal outcome");
  if (a.estimator == Estimator::kWcls && a.numerator_is_rand_prob)
    throw UserError(m.where("numerator_prob") +
                    ": WCLS on the qian2025 model needs a constant numerator probability (the paper uses 0.5)");
}

void check_proximal_analysis(const AnalysisConfig& a, const YamlMap& m) {
  if (is_emee(a.estimator))
    throw UserError(m.where("estimator") + ": estimator " + kEstimatorNames.name(a.estimator) +
                    " needs a binary outcome (model type cohn2023)");
  if (a.estimator != Estimator::kWcls)
    throw UserError(m.where("estimator") + ": estimator " + kEstimatorNames.name(a.estimator) +
                    " needs a distal outcome (model type qian2025)");
  if (m.has("moderator_sets"))
    throw UserError(m.where("moderator_sets") + ": several moderator sets per cell are for the qian2025 model");
  for (const auto* terms : {&a.controls, &a.moderators})
    for (const Term& t : *terms)
      if (t.is_covariate())
        throw UserError(m.where(terms == &a.controls ? "controls" : "moderators") + ": term '" + t.name +
                        "' is a covariate of the qian2025 model, not of liao2016");
}

// The analyses of the cohn2023 model: EMEE or EMEE2 of the binary outcome, with terms that are
// functions of the decision point (the paper's g_t and f_t: 1, t, t^2).
void check_binary_analysis(const AnalysisConfig& a, const YamlMap& m) {
  if (!is_emee(a.estimator))
    throw UserError(m.where("estimator") +
                    ": the cohn2023 model's binary outcome is analysed by estimator emee or "
                    "emee2 (got " +
                    kEstimatorNames.name(a.estimator) + ")");
  for (const auto* terms : {&a.controls, &a.moderators})
    for (const Term& t : *terms)
      if (t.is_covariate() || t.variable == Term::Variable::kDay)
        throw UserError(m.where(terms == &a.controls ? "controls" : "moderators") + ": term '" + t.name +
                        "' is not a term of the cohn2023 model (it has decision points t = 1..m, no days or "
                        "covariates: use t, t^2, ... or decision, decision^2, ...)");
  if (m.has("small_sample_correction"))
    throw UserError(m.where("small_sample_correction") +
                    ": EMEE reports both variances, the small-sample adjusted one (tests and intervals) and the "
                    "unadjusted one; small_sample_correction is for wcls");
  if (a.estimator == Estimator::kEmee2 && m.has("numerator_prob"))
    throw UserError(m.where("numerator_prob") +
                    ": emee2 centres the treatment at the randomization probability; numerator_prob is for emee");
}

// The intercept, then the terms of `texts` that are not yet present.
std::vector<Term> terms_with_intercept(const std::vector<std::string>& texts, const std::string& where) {
  std::vector<Term> terms{parse_term("1", where)};
  for (const std::string& text : texts) {
    const Term term = parse_term(text, where);
    bool present = false;
    for (const Term& t : terms) present = present || t == term;
    if (!present) terms.push_back(term);
  }
  return terms;
}

std::vector<Term> parse_terms(const YamlMap& m, const std::string& key) {
  return terms_with_intercept(m.get_string_list(key), m.where(key));
}

// `moderator_sets: [[], [Z]]`: a list of moderator lists.
std::vector<std::vector<Term>> parse_moderator_sets(const YamlMap& m) {
  const YAML::Node sets = m.child("moderator_sets");
  if (!sets.IsSequence() || sets.size() == 0)
    throw UserError(m.where("moderator_sets") + ": expected a non-empty list of moderator lists, e.g. [[], [Z]]");
  std::vector<std::vector<Term>> parsed;
  for (const YAML::Node& set : sets) {
    if (!set.IsSequence())
      throw UserError(m.where("moderator_sets") + ": each entry must be a list of moderators, e.g. [] or [Z]");
    std::vector<std::string> texts;
    for (const YAML::Node& item : set) texts.push_back(item.IsScalar() ? item.Scalar() : yaml_label(item));
    parsed.push_back(terms_with_intercept(texts, m.where("moderator_sets")));
  }
  return parsed;
}

// `forest: {num_trees, mtry, min_node_size, sample_fraction}` (ranger's names).
ForestConfig parse_forest(const YamlMap& m) {
  ForestConfig f;
  if (m.has("num_trees")) f.num_trees = static_cast<int>(m.get_int("num_trees", 1, 100000));
  if (m.has("mtry")) f.mtry = static_cast<int>(m.get_int("mtry", 0, 2));  // the covariates are X and Z
  if (m.has("min_node_size")) f.min_node_size = static_cast<int>(m.get_int("min_node_size", 1, 1000000));
  if (m.has("sample_fraction")) f.sample_fraction = m.get_double("sample_fraction", 1e-6, 1.0);
  m.reject_unknown_keys({"num_trees", "mtry", "min_node_size", "sample_fraction"});
  return f;
}

AnalysisConfig parse_analysis(const YamlMap& m) {
  AnalysisConfig a;
  a.estimator = m.get_enum("estimator", kEstimatorNames, "estimator", Estimator::kWcls);
  a.cross_fit_folds = static_cast<int>(m.get_int("cross_fit", 0, kMaxCrossFitFolds, 0));
  if (a.cross_fit_folds == 1) throw UserError(m.where("cross_fit") + ": give 0 (no cross-fitting) or 2 or more folds");
  a.nuisance = m.get_enum("nuisance", kNuisanceModelNames, "nuisance model", NuisanceModel::kLm);
  if (a.estimator != Estimator::kDcee && (a.cross_fit_folds > 0 || a.nuisance != NuisanceModel::kLm))
    throw UserError(m.where(a.cross_fit_folds > 0 ? "cross_fit" : "nuisance") + ": only for estimator dcee");
  if (m.has("forest")) {
    if (a.nuisance != NuisanceModel::kRandomForest)
      throw UserError(m.where("forest") + ": random-forest settings need nuisance: rf");
    a.forest = parse_forest(m.map("forest"));
  }
  a.controls = parse_terms(m, "controls");
  a.controls_where = m.where("controls");
  if (m.has("moderator_sets")) {
    if (m.has("moderators"))
      throw UserError(m.where("moderator_sets") + ": give either moderators (one effect model) or moderator_sets");
    a.moderator_sets = parse_moderator_sets(m);
    a.moderators = a.moderator_sets.front();
  } else {
    a.moderators = parse_terms(m, "moderators");
    a.moderator_sets = {a.moderators};
  }
  if (m.has("numerator_prob")) {
    const YAML::Node n = m.child("numerator_prob");
    if (n.IsScalar() && n.Scalar() == "rand_prob") {
      a.numerator_is_rand_prob = true;
    } else {
      a.numerator_is_rand_prob = false;
      a.numerator_prob =
          yaml_to_double(n, m.where("numerator_prob") + " (a number in (0,1) or rand_prob)", 1e-9, 1.0 - 1e-9);
    }
  }
  a.correction =
      m.get_enum("small_sample_correction", kSmallSampleCorrectionNames, "value", SmallSampleCorrection::kAlways);
  a.rules.test = m.get_enum("test", kJointTestNames, "test", JointTestKind::kHotelling);
  if (m.has("permutation")) {
    const YamlMap pm = m.map("permutation");
    PermutationConfig perm;
    perm.reshuffles = static_cast<uint32_t>(pm.get_int("reshuffles", 1, kMaxSimulatedReshuffles, 999));
    perm.scheme = kReshuffleSchemeNames.parse(pm.get_string("scheme", "permute"), pm.where("scheme"), "scheme");
    pm.reject_unknown_keys({"reshuffles", "scheme"});
    if (a.estimator != Estimator::kWcls) throw UserError(m.where("permutation") + ": only for estimator wcls");
    a.permutation = perm;
  }
  a.rules.alpha = m.get_double("alpha", 1e-6, 0.5, 0.05);
  a.rules.ci_level = m.get_double("ci_level", 0.5, 0.999999, 0.95);
  m.reject_unknown_keys({"estimator", "cross_fit", "nuisance", "forest", "permutation", "controls", "moderators",
                         "moderator_sets", "numerator_prob", "small_sample_correction", "test", "alpha", "ci_level"});
  return a;
}

struct GridAxis {
  std::vector<std::string> keys;
  std::vector<std::vector<YAML::Node>> values;  // values[level][key]
  std::string name;
};

// Every grid key names a setting under model, analysis or sample_size, and each setting is varied by
// one axis only: a key given twice, or a key inside another (model.error and model.error.phi), would
// leave it unclear which value a scenario has.
void check_grid_keys(const std::vector<GridAxis>& axes, const YAML::Node& grid, const std::string& file) {
  std::map<std::string, size_t> axis_of;
  for (size_t a = 0; a < axes.size(); ++a) {
    const std::string where = yaml_position(file, grid[a]) + ": key 'grid[" + std::to_string(a) + "]'";
    for (const std::string& key : axes[a].keys) {
      const std::string head = key.substr(0, key.find('.'));
      const bool parts_ok = !key.empty() && key.find("..") == std::string::npos && key.back() != '.';
      if (!parts_ok || (head != "model" && head != "analysis" && head != "sample_size") ||
          (head != "sample_size" && key == head))
        throw UserError(where + ": grid key '" + key +
                        "' cannot be varied (grid keys are model.KEY..., analysis.KEY... or sample_size...)");
      for (const auto& [other, other_axis] : axis_of) {
        const bool same = other == key;
        const bool nested =
            key.compare(0, other.size() + 1, other + ".") == 0 || other.compare(0, key.size() + 1, key + ".") == 0;
        if (same || nested)
          throw UserError(where + ": grid key '" + key + "' " +
                          (same ? "is also varied" : "overlaps '" + other + "', varied") +
                          (other_axis == a ? " in the same axis" : " by grid[" + std::to_string(other_axis) + "]") +
                          "; vary each setting in one place");
      }
      axis_of.emplace(key, a);
    }
  }
}

std::vector<GridAxis> parse_grid(const YAML::Node& grid, const std::string& file) {
  std::vector<GridAxis> axes;
  if (!grid.IsDefined() || grid.IsNull()) return axes;
  if (!grid.IsSequence())
    throw UserError(yaml_position(file, grid) + ": key 'grid' must be a list of axes ({key: ..., values: [...]})");
  for (size_t i = 0; i < grid.size(); ++i) {
    const YamlMap axis_map(grid[i], file, "grid[" + std::to_string(i) + "]");
    axis_map.reject_unknown_keys({"key", "keys", "values"});
    GridAxis axis;
    if (axis_map.has("key") == axis_map.has("keys"))
      throw UserError(axis_map.where() +
                      ": give exactly one of 'key' (one setting) or 'keys' (settings varied together)");
    axis.keys =
        axis_map.has("key") ? std::vector<std::string>{axis_map.get_string("key")} : axis_map.get_string_list("keys");
    const YAML::Node values = axis_map.child("values");
    if (!values.IsSequence() || values.size() == 0)
      throw UserError(axis_map.where("values") + ": expected a non-empty list");
    for (const auto& value : values) {
      std::vector<YAML::Node> level;
      if (axis.keys.size() == 1) {
        level.push_back(value);
      } else {
        if (!value.IsSequence() || value.size() != axis.keys.size())
          throw UserError(yaml_position(file, value) + ": key '" + axis_map.path_of("values") +
                          "': each entry must list " + std::to_string(axis.keys.size()) + " values, one per key");
        for (const auto& v : value) level.push_back(v);
      }
      axis.values.push_back(level);
    }
    for (const auto& k : axis.keys) axis.name += (axis.name.empty() ? "" : "+") + k;
    axes.push_back(axis);
  }
  check_grid_keys(axes, grid, file);
  return axes;
}

// The number of scenarios of the grid's cross product; UserError past kMaxScenarios.
size_t scenario_count(const std::vector<GridAxis>& axes, const YamlMap& root) {
  size_t count = 1;
  for (const auto& axis : axes) {
    if (count > (kMaxScenarios - 1) / axis.values.size())
      throw UserError(root.where("grid") + ": the grid has more than " + std::to_string(kMaxScenarios - 1) +
                      " scenarios");
    count *= axis.values.size();
  }
  return count;
}

// Scenario `index` of the cross product (the last axis varies fastest): its grid values by key.
YamlOverrides grid_values(const std::vector<GridAxis>& axes, size_t index, std::vector<GridValue>& labels) {
  YamlOverrides values;
  std::vector<size_t> levels(axes.size());
  for (size_t a = axes.size(); a-- > 0;) {
    levels[a] = index % axes[a].values.size();
    index /= axes[a].values.size();
  }
  for (size_t a = 0; a < axes.size(); ++a) {
    const auto& level = axes[a].values[levels[a]];
    for (size_t k = 0; k < axes[a].keys.size(); ++k) {
      values.emplace(axes[a].keys[k], level[k]);
      labels.push_back(GridValue{axes[a].keys[k], yaml_label(level[k])});
    }
  }
  return values;
}

// `sample_size: formula` or `sample_size: {method: formula, power, ...}` with the formula inputs that
// may differ from the model's: liao2016 {max_n, effect, availability}, cohn2023 {availability, spnc,
// effect} (same syntax as in the model).
FormulaSampleSize parse_formula_sample_size(const YamlMap& root, const ScenarioConfig& s, double default_target_power) {
  FormulaSampleSize f;
  f.where = root.where("sample_size");
  f.effect = s.model.effect;
  f.availability = s.model.availability;
  f.binary_design = s.binary_model.design;
  f.target_power = default_target_power;
  if (root.child("sample_size").IsMap()) {
    const YamlMap m = root.map("sample_size");
    const std::string method = m.get_string("method");
    if (method != "formula")
      throw UserError(m.where("method") + ": unknown method '" + method + "' (expected formula or simulation)");
    f.target_power = m.get_double("power", 0.01, 0.9999, default_target_power);
    if (s.model_type == ModelType::kCohn2023) {
      f.binary_design = parse_cohn_formula_design(m, s.binary_model.design);
      m.reject_unknown_keys({"method", "power", "availability", "spnc", "effect"});
    } else {
      f.max_n = static_cast<int>(m.get_int("max_n", 10, kMaxSampleSize, 1000));
      if (m.has("effect")) f.effect = parse_curve(m, "effect", -kMaxModelMagnitude, kMaxModelMagnitude, "day_max");
      if (m.has("availability")) f.availability = parse_curve(m, "availability", 0.0, 1.0, "change_day");
      m.reject_unknown_keys({"method", "power", "max_n", "effect", "availability"});
    }
  }
  return f;
}

// `sample_size: {method: simulation, ...}` (liao2016 and cohn2023, whose formula comes along for comparison).
SimulatedSampleSize parse_simulated_sample_size(const YamlMap& m, double default_target_power) {
  SimulatedSampleSize search;
  search.where = m.where();
  search.target_power = m.get_double("power", 0.01, 0.9999, default_target_power);
  const std::vector<double> interval = m.get_double_list("interval", 2, kMaxSampleSize);
  if (interval.size() != 2 || interval[0] != std::floor(interval[0]) || interval[1] != std::floor(interval[1]) ||
      !(interval[0] < interval[1]))
    throw UserError(m.where("interval") +
                    ": give two whole numbers [lowest, highest] with lowest < highest, e.g. [10, 400]");
  search.lowest = static_cast<int>(interval[0]);
  search.highest = static_cast<int>(interval[1]);
  search.max_replicates = m.get_int("max_replicates", 1, kMaxReplicates, 0);
  m.reject_unknown_keys({"method", "power", "interval", "max_replicates"});
  return search;
}

// `sample_size: N`, the formula, or a search by simulation.
void parse_sample_size(const YamlMap& root, ScenarioConfig& s, double target_power) {
  const YAML::Node size = root.child("sample_size");
  if (size.IsMap() && root.map("sample_size").get_string("method", "") == "simulation") {
    s.simulated = parse_simulated_sample_size(root.map("sample_size"), target_power);
    s.formula = FormulaSampleSize{};  // the model's formula with the model's own inputs, for comparison
    s.formula->where = s.simulated->where;
    s.formula->effect = s.model.effect;
    s.formula->availability = s.model.availability;
    s.formula->binary_design = s.binary_model.design;
    s.formula->target_power = s.simulated->target_power;
    s.formula->max_n = 100000;
  } else if (size.IsMap() || (size.IsScalar() && size.Scalar() == "formula"))
    s.formula = parse_formula_sample_size(root, s, target_power);
  else
    s.sample_size = static_cast<int>(root.get_int("sample_size", 2, kMaxSampleSize));
}

ScenarioConfig parse_scenario(const YAML::Node& document, const YamlOverrides& grid_values, const std::string& file,
                              double target_power) {
  const YamlMap root(document, file, "", &grid_values);
  ScenarioConfig s;
  const YamlMap analysis = root.map("analysis");
  s.analysis = parse_analysis(analysis);
  const YamlMap model = root.map("model");
  s.model_type = model.get_enum("type", kModelTypeNames, "model type");
  if (s.model_type == ModelType::kQian2025) {
    s.distal_model = parse_qian_model(model);
    s.sample_size = static_cast<int>(root.get_int("sample_size", 2, kMaxSampleSize));
    check_distal_analysis(s.analysis, analysis, s.sample_size, root.where("sample_size"));
    return s;
  }
  if (s.model_type == ModelType::kCohn2023) {
    s.binary_model = parse_cohn_model(model);
    check_binary_analysis(s.analysis, analysis);
    parse_sample_size(root, s, target_power);
    return s;
  }
  s.model = parse_model(model);
  check_proximal_analysis(s.analysis, analysis);
  if (s.analysis.permutation && s.model.num_decisions() > kMaxPermutationDecisions)
    throw UserError(analysis.where("permutation") + ": permutation tests support at most " +
                    std::to_string(kMaxPermutationDecisions) + " decision points; the model has " +
                    std::to_string(s.model.num_decisions()));
  parse_sample_size(root, s, target_power);
  return s;
}

// The grid values of a scenario other than the analysis' (study.paired_analyses: scenarios with the
// same key simulate the same cohorts).
std::string model_grid_key(const std::vector<GridValue>& labels) {
  std::string key;
  for (const GridValue& v : labels)
    if (v.axis.rfind("analysis.", 0) != 0) key += v.axis + "=" + v.label + "\n";
  return key;
}

// `truth: {method: monte_carlo, subjects: N}` (qian2025 model only).
long long parse_truth(const YamlMap& root) {
  const YamlMap m = root.map("truth");
  const std::string method = m.get_string("method");
  if (method != "monte_carlo")
    throw UserError(m.where("method") + ": unknown method '" + method + "' (expected monte_carlo)");
  const long long subjects = m.get_int("subjects", 1000, 1LL << 32, 200000);
  m.reject_unknown_keys({"method", "subjects"});
  return subjects;
}

}  // namespace

std::vector<double> baseline_per_day(const std::vector<double>& baseline, int days) {
  std::vector<double> per_day(days);
  for (int k = 0; k < days; ++k) {
    double value = 0.0, power = 1.0;
    for (double coefficient : baseline) {
      value += coefficient * power;
      power *= k;
    }
    per_day[k] = value;
  }
  return per_day;
}

std::string ErrorConfig::label() const {
  switch (kind) {
    case ErrorKind::kNormal:
      return "normal";
    case ErrorKind::kExponential:
      return "exponential";
    case ErrorKind::kStudentT:
      return "t" + std::to_string(student_df);
    case ErrorKind::kAutoregressive: {
      std::ostringstream out;
      out << "ar" << ar_order << ":" << phi;
      return out.str();
    }
  }
  return "?";
}

double Term::value(int t, int decisions_per_day) const {
  switch (variable) {
    case Variable::kOne:
      return 1.0;
    case Variable::kDay:
      return std::pow(static_cast<double>(t / decisions_per_day), power);
    case Variable::kDecision:
      return std::pow(static_cast<double>(t), power);
    case Variable::kDecisionPoint:
      return std::pow(static_cast<double>(t + 1), power);
    case Variable::kCovariateX:
    case Variable::kCovariateZ:
      break;  // simulated per row, not a function of t
  }
  throw std::logic_error("Term::value: '" + name + "' is a model covariate");
}

std::vector<Term> AnalysisConfig::control_terms() const {
  std::vector<Term> terms = controls;
  if (estimator == Estimator::kEmee || estimator == Estimator::kEmee2) return terms;
  for (const Term& m : moderators) {
    bool present = false;
    for (const Term& c : terms) present = present || c == m;
    if (!present) terms.push_back(m);
  }
  return terms;
}

Term parse_term(const std::string& text, const std::string& where) {
  Term term;
  term.name = text;
  if (text == "1" || text == "intercept") {
    term.name = "(Intercept)";
    return term;
  }
  if (text == "X" || text == "Z") {  // covariates of the qian2025 model
    term.variable = text == "X" ? Term::Variable::kCovariateX : Term::Variable::kCovariateZ;
    term.power = 1;
    return term;
  }
  if (text.rfind("s(", 0) == 0) {  // a smooth term s(X, ...) or s(Z, ...); its options are the gam parser's
    const std::string column = text.substr(2, text.find_first_of(",)") - 2);
    const auto first = column.find_first_not_of(' '), last = column.find_last_not_of(' ');
    const std::string name = first == std::string::npos ? "" : column.substr(first, last - first + 1);
    if (name != "X" && name != "Z")
      throw UserError(where + ": smooth term '" + text + "' must smooth a covariate of the qian2025 model (X or Z)");
    term.variable = name == "X" ? Term::Variable::kCovariateX : Term::Variable::kCovariateZ;
    term.power = 1;
    term.smooth = true;
    return term;
  }
  const size_t caret = text.find('^');
  const std::string variable = text.substr(0, caret);
  term.power = 1;
  if (caret != std::string::npos) {
    const std::string exponent = text.substr(caret + 1);
    if (exponent.size() != 1 || exponent[0] < '1' || exponent[0] > '9')
      throw UserError(where + ": term '" + text + "' needs a power between 1 and 9 after '^'");
    term.power = exponent[0] - '0';
  }
  if (variable == "day")
    term.variable = Term::Variable::kDay;
  else if (variable == "decision")
    term.variable = Term::Variable::kDecision;
  else if (variable == "t")
    term.variable = Term::Variable::kDecisionPoint;
  else
    throw UserError(where + ": unknown term '" + text +
                    "' (expected 1, day, day^k, decision or decision^k, 0-based indices; t or t^k, the decision "
                    "point 1..T; or X or Z, covariates of the qian2025 model)");
  return term;
}

// study.replicates: a count, or `auto` with study.target_mcse: the replicates that give every cell's
// rejection rate that MC SE at its nominal value (alpha under H0, the target power under H1).
long long planned_replicates(const YamlMap& meta, const StudyConfig& study) {
  if (!meta.has("replicates") || meta.child("replicates").Scalar() != "auto")
    return meta.get_int("replicates", 1, kMaxReplicates);
  if (!study.target_mcse)
    throw UserError(meta.where("replicates") +
                    ": 'auto' needs study.target_mcse (the MC SE wanted on the rejection rates)");
  long long replicates = 1;
  for (Hypothesis h : study.hypotheses) {
    const double nominal = h == Hypothesis::kNull ? study.analysis.rules.alpha : study.target_power;
    replicates = std::max(replicates, replicates_for_proportion_mcse(nominal, *study.target_mcse));
  }
  return replicates;
}

StudyConfig parse_study(const std::string& yaml_text, const std::string& file) {
  const YAML::Node document = load_yaml_document(yaml_text, file);
  const YamlMap root(document, file, "");
  root.reject_unknown_keys({"study", "model", "sample_size", "grid", "hypotheses", "analysis", "truth", "output"});

  StudyConfig study;
  study.file = file;
  study.text = yaml_text;
  const YamlMap meta = root.map("study");
  study.name = checked_study_name(meta);
  study.description = meta.get_string("description", "");
  study.seed = meta.get_seed("seed");
  if (meta.has("target_mcse")) study.target_mcse = meta.get_double("target_mcse", 1e-4, 0.5);
  study.replicates_per_unit = meta.get_int("replicates_per_unit", 1, kMaxReplicatesPerUnit, 1000);
  study.paired_analyses = meta.get_bool("paired_analyses", false);
  meta.reject_unknown_keys(
      {"name", "description", "seed", "replicates", "replicates_per_unit", "target_mcse", "paired_analyses"});

  if (root.has("hypotheses")) {
    study.hypotheses.clear();
    for (const std::string& h : root.get_string_list("hypotheses")) {
      const Hypothesis hypothesis = kHypothesisNames.parse(h, root.where("hypotheses"), "hypothesis");
      if (std::count(study.hypotheses.begin(), study.hypotheses.end(), hypothesis))
        throw UserError(root.where("hypotheses") + ": hypothesis '" + h + "' is listed twice");
      study.hypotheses.push_back(hypothesis);
    }
    if (study.hypotheses.empty()) throw UserError(root.where("hypotheses") + ": list at least one hypothesis");
  }
  study.analysis = parse_analysis(root.map("analysis"));
  if (static_cast<int>(study.analysis.controls.size() + study.analysis.moderators.size()) > kMaxWclsDim)
    throw UserError(root.where("analysis") + ": more than " + std::to_string(kMaxWclsDim) + " coefficients");

  if (root.has("output")) {
    const YamlMap out = root.map("output");
    if (out.has("formats")) {
      study.formats = out.get_string_list("formats");
      if (study.formats.empty())
        throw UserError(out.where("formats") + ": list at least one of csv, markdown, json (the tables a run writes)");
      for (size_t i = 0; i < study.formats.size(); ++i) {
        const std::string& f = study.formats[i];
        if (f != "csv" && f != "markdown" && f != "json")
          throw UserError(out.where("formats") + ": unknown format '" + f + "' (expected csv, markdown, json)");
        if (std::find(study.formats.begin(), study.formats.begin() + i, f) != study.formats.begin() + i)
          throw UserError(out.where("formats") + ": format '" + f + "' is listed twice");
      }
    }
    study.target_power = out.get_double("target_power", 0.0, 1.0, 0.8);
    study.write_replicates = out.get_bool("replicates", false);
    study.write_zip_plots = out.get_bool("zip_plots", false);
    out.reject_unknown_keys({"formats", "target_power", "replicates", "zip_plots"});
  }
  study.replicates = planned_replicates(meta, study);

  if (root.has("truth")) study.truth_subjects = parse_truth(root);

  // Scenarios: the cross product of the grid axes, each read as the document seen through its grid
  // values (no copy of the document per scenario: planning stays linear in the number of scenarios).
  const std::vector<GridAxis> axes = parse_grid(document["grid"], file);
  const size_t count = scenario_count(axes, root);
  study.scenarios.reserve(count);
  std::map<std::string, int> first_with_model;  // paired analyses: the model's grid values -> its first scenario
  for (size_t index = 0; index < count; ++index) {
    std::vector<GridValue> labels;
    const YamlOverrides values = grid_values(axes, index, labels);
    ScenarioConfig scenario = parse_scenario(document, values, file, study.target_power);
    scenario.index = static_cast<int>(index);
    scenario.stream_index = scenario.index;
    if (study.paired_analyses)
      scenario.stream_index = first_with_model.emplace(model_grid_key(labels), scenario.index).first->second;
    scenario.labels = std::move(labels);
    study.scenarios.push_back(std::move(scenario));
  }
  for (const ScenarioConfig& scenario : study.scenarios)
    if (root.has("truth") && scenario.model_type != ModelType::kQian2025)
      throw UserError(root.where("truth") + ": the " + kModelTypeNames.name(scenario.model_type) +
                      " model's true values are exact; 'truth' is for qian2025");
  return study;
}

StudyConfig load_study(const std::string& path) { return parse_study(read_text_file(path, "study file"), path); }

}  // namespace mrtsim
