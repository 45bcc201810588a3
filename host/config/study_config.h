// A simulation study as read from YAML: fixed settings, a grid of scenario variations (cross
// product of axes), hypotheses, the analysis and the outputs. Parsing validates everything before
// any work starts; see configs/README.md for the schema.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "host/config/cohn_model_config.h"
#include "host/config/decision_values.h"
#include "host/stats/cell_decisions.h"
#include "kernels/reshuffle.h"
#include "kernels/wcls.h"
#include "sims/liao_model.h"
#include "sims/qian_model.h"
#include "sims/shapes.h"

namespace mrtsim {

struct ErrorConfig {
  ErrorKind kind = ErrorKind::kNormal;
  int student_df = 3;
  int ar_order = 1;  // AR(1): eps_t = phi eps_{t-1} + v_t; AR(5): eps_t = (phi/5) sum_{j<=5} eps_{t-j} + v_t
  double phi = 0.0;
  std::string label() const;
};

// Liao et al. (2016) Section 6.2.3 (Table IV / 10B): Var[Y_{t+1} | I_t = 1, A_t] = sigma_{A_t,t}^2 with
// sigma_1t / sigma_0t = sd_ratio and sigma-bar_t^2 = rho sigma_1t^2 + (1 - rho) sigma_0t^2 following a
// trend that is rescaled so that (1/T) sum_t sigma-bar_t^2 = 1.
struct ErrorScaleConfig {
  double sd_ratio = 1.0;
  bool weekly = false;  // trend: false = constant sigma-bar_t; true = weekday_sd / weekend_sd by day of week
  double weekday_sd = 1.0;
  double weekend_sd = 1.0;
};

// Liao et al. (2016) Section 6.2.4 (Table V / 11B), the "C_t model": availability and outcome depend
// on C_t = sum_{j<=lags} A_{t-j} I_{t-j} and availability on the recent errors; E[C_t | I_t = 1] and
// sigma* come from a Monte Carlo pre-pass of monte_carlo_subjects subjects (host/engine/exposure_moments.h).
struct CarryoverConfig {
  int lags = 5;
  double eta_exposure = 0.0;  // eta_1
  double eta_noise = 0.0;     // eta_2
  double gamma_level = 0.0;   // gamma_1
  double gamma_effect = 0.0;  // gamma_2
  long long monte_carlo_subjects = 200000;
};

// Bound of the models' mean-scale inputs (baseline, effects, coefficients) and of the means they
// give, in units of the error SD (1): far beyond any study, and small enough that sums of squares of
// outcomes over a cohort stay finite and precise in double precision.
constexpr double kMaxModelMagnitude = 1e6;

// A per-day curve of the liao2016 model (availability tau_t, standardized effect d(t)): a shape over
// days (sims/shapes.h) unless `values` are given (one per day, per decision point, per decision point
// of a day, or a CSV column; host/engine/liao_design.h resolves them).
struct LiaoCurveInput {
  ShapeSpec shape;
  DecisionValues values;
};

// Liao et al. (2016) Section 6 / Appendix A generative model.
struct LiaoModelConfig {
  int days = 42;
  int decisions_per_day = 5;
  // rho: one value for every decision point, unless rand_prob_values are given (one per day, per
  // decision point, per decision point of a day, or a CSV column).
  double rand_prob = 0.4;
  DecisionValues rand_prob_values;
  LiaoCurveInput availability{{ShapeKind::kConstant, 0.5, 0.5, 1}, {}};
  double feedback_eta = 0.0;  // availability feedback on recent treatment (Appendix A.1, 2nd simulation)
  int feedback_lags = 0;
  // alpha(t) = sum_j baseline[j] day^j, unless baseline_values (alpha(t) itself) are given.
  std::vector<double> baseline{2.5, 0.727, -8.66e-4};
  DecisionValues baseline_values;
  double weekend_effect = 0.0;  // theta: alpha(t) += theta W_t, W_t = 1 on Saturdays and Sundays (Section 6.2.1)
  LiaoCurveInput effect{{ShapeKind::kQuadratic, 0.1, 0.0, 29}, {}};  // standardized effect d(t) under H1
  ErrorConfig error;
  std::optional<ErrorScaleConfig> error_scale;
  std::optional<CarryoverConfig> carryover;
  std::optional<DropoutConfig> dropout;

  int num_decisions() const { return days * decisions_per_day; }
};

// alpha(t) = sum_j baseline[j] day^j on each day k = 0..days-1 (day = the 0-based day index).
std::vector<double> baseline_per_day(const std::vector<double>& baseline, int days);

// Qian et al. (2025) Section 4.1 model (sims/qian_model.h); the defaults are the paper's.
struct QianModelConfig {
  int decisions = 30;
  double availability = 0.8;
  bool time_varying_prob = true;  // the paper's "timevar"; else constant_prob
  double constant_prob = 0.5;
  double theta[3] = {-0.5, 0.5, 0.5};
  double zeta[3] = {-1.0, 1.0, 1.0};
  LinearSequence alpha{1.0, 3.0}, beta{1.0, 2.0}, gamma{1.0, 1.5}, lambda{-1.0, -2.0}, xi{1.0, 2.0};
};

enum class ModelType { kLiao2016, kQian2025, kCohn2023 };
inline constexpr auto kModelTypeNames = make_enum_table<ModelType>(
    {{ModelType::kLiao2016, "liao2016"}, {ModelType::kQian2025, "qian2025"}, {ModelType::kCohn2023, "cohn2023"}});

enum class Hypothesis { kNull, kAlternative };
inline constexpr auto kHypothesisNames =
    make_enum_table<Hypothesis>({{Hypothesis::kNull, "null"}, {Hypothesis::kAlternative, "alternative"}});

// A column of the design: a polynomial in the day index or in the decision index (0-based), in the
// decision point t = 1..T (the cohn2023 model's f_t and g_t), 1, or a covariate of the model (X or Z
// of the qian2025 model). A control of DCEE's gam nuisance model may be a smooth term of a covariate,
// written as mgcv does: s(X), s(X, bs = "cr"), s(X, k = 5); its options are checked by the gam
// learner's parser when the study is planned (host/engine).
struct Term {
  enum class Variable { kOne, kDay, kDecision, kDecisionPoint, kCovariateX, kCovariateZ } variable = Variable::kOne;
  int power = 0;
  bool smooth = false;  // s(covariate, ...): `name` holds the whole term
  std::string name;     // as written in the YAML
  bool operator==(const Term& other) const {
    return variable == other.variable && power == other.power && smooth == other.smooth;
  }
  double value(int t, int decisions_per_day) const;
  bool is_covariate() const { return variable == Variable::kCovariateX || variable == Variable::kCovariateZ; }
};
Term parse_term(const std::string& text, const std::string& where);

enum class Estimator {
  kWcls,   // weighted and centred least squares (proximal outcome; or the distal one as a comparator)
  kDcee,   // distal causal excursion effects (qian2025 model)
  kGee,    // GEE with working independence, unweighted, all rows (qian2025 comparator)
  kSnmm,   // SNMM by g-estimation, the paper's models (qian2025 comparator; docs/snmm.md)
  kEmee,   // binary proximal outcome, log relative risk, MRTAnalysis::emee (cohn2023 model)
  kEmee2,  // the same, MRTAnalysis::emee2: the estimator of the binary sample-size formula
};
inline constexpr auto kEstimatorNames = make_enum_table<Estimator>({{Estimator::kWcls, "wcls"},
                                                                    {Estimator::kDcee, "dcee"},
                                                                    {Estimator::kGee, "gee"},
                                                                    {Estimator::kSnmm, "snmm"},
                                                                    {Estimator::kEmee, "emee"},
                                                                    {Estimator::kEmee2, "emee2"}});

// DCEE's nuisance learner (docs/estimators.md §2.3): linear models (one-pass sums, on every backend),
// mgcv's gam or a random forest (fitted on the replicate's cohort on CPU threads), or none.
enum class NuisanceModel { kLm, kGam, kRandomForest, kZero };
inline constexpr auto kNuisanceModelNames = make_enum_table<NuisanceModel>({{NuisanceModel::kLm, "lm"},
                                                                            {NuisanceModel::kGam, "gam"},
                                                                            {NuisanceModel::kRandomForest, "rf"},
                                                                            {NuisanceModel::kZero, "zero"}});

// `forest:` settings of the rf learner, ranger's names; unset ones keep the learner's (ranger's)
// defaults (host/learners/random_forest.h).
struct ForestConfig {
  std::optional<int> num_trees;
  std::optional<int> mtry;
  std::optional<int> min_node_size;
  std::optional<double> sample_fraction;
};

// The smallest cohort the SNMM comparator is run on, as in the paper (docs/estimators.md §3.2).
constexpr int kMinSnmmSampleSize = 100;

// A permutation test of H0: beta = 0 inside every replicate (WCLS on the liao2016 model).
struct PermutationConfig {
  uint32_t reshuffles = 999;
  ReshuffleScheme scheme = ReshuffleScheme::kPermute;
};

struct AnalysisConfig {
  Estimator estimator = Estimator::kWcls;
  std::optional<PermutationConfig> permutation;
  int cross_fit_folds = 0;  // DCEE: K-fold cross-fitting of the nuisance models; 0: none
  NuisanceModel nuisance = NuisanceModel::kLm;  // DCEE
  ForestConfig forest;                          // DCEE with nuisance rf
  std::vector<Term> controls;    // always starts with the intercept
  std::vector<Term> moderators;  // always starts with the intercept; with moderator_sets, the first set
  // The effect models a cell reports, each starting with the intercept: `moderator_sets: [[], [Z]]`
  // (qian2025: several estimands from the same replicates and nuisance fits), else {moderators}.
  std::vector<std::vector<Term>> moderator_sets;
  std::string controls_where;  // "FILE:LINE: key 'analysis.controls'", for errors found when planning
  bool numerator_is_rand_prob = true;
  double numerator_prob = 0.5;  // used when !numerator_is_rand_prob
  SmallSampleCorrection correction = SmallSampleCorrection::kAlways;
  TestRules rules;  // the joint test, interval kind, alpha and CI level

  // The alpha block's terms. WCLS: the controls, then the moderators that are not among them
  // (MRTAnalysis::wcls adds every moderator main effect as a control); its size is Liao's q. EMEE
  // and EMEE2: the controls alone, as MRTAnalysis::emee and emee2.
  std::vector<Term> control_terms() const;
};

struct GridValue {
  std::string axis;   // the axis' key(s), e.g. "model.error"
  std::string label;  // compact rendering of the value, e.g. "type=ar1 phi=0.3"
};

// `sample_size: formula`: N is to be chosen by the model's formula when the study is planned
// (host/engine/sample_size_plan.h): Liao et al. (2016) for liao2016, Cohn et al. (2023) for cohn2023.
// Its inputs default to the true model's and may differ from it (an under-estimated effect or
// availability, Liao 2016 Section 6.3; Cohn 2023 Sections 6.5-6.7).
struct FormulaSampleSize {
  std::string where;  // "FILE:LINE: key 'sample_size'", for errors of the formula
  LiaoCurveInput effect;        // liao2016
  LiaoCurveInput availability;  // liao2016 (multiplied by the model's dropout survival, host/engine/liao_design.h)
  CohnDesignConfig binary_design;  // cohn2023: availability, SPNC and relative risk of the formula
  double target_power = 0.8;
  int max_n = 1000;
  double predicted_power = 0.0;  // the formula's power at the chosen N, once chosen
};

// `sample_size: {method: simulation, power, interval: [lo, hi], max_replicates}`: N is the smallest in
// [lo, hi] whose simulated power reaches `power` (host/engine/simulated_sample_size.h), found when the
// study is planned; the model's formula (where it has one) is reported next to it.
struct SimulatedSampleSize {
  std::string where;  // "FILE:LINE: key 'sample_size'"
  double target_power = 0.8;
  int lowest = 10, highest = 1000;
  long long max_replicates = 0;  // per N evaluated; 0: 16 x study.replicates
};

struct ScenarioConfig {
  int index = 0;
  // The scenario whose random streams it draws (core/philox.h): its own index, or with
  // study.paired_analyses the first scenario with the same model (grid values outside analysis.*),
  // so that scenarios differing only in the analysis analyse the same cohorts.
  int stream_index = 0;
  std::vector<GridValue> labels;
  ModelType model_type = ModelType::kLiao2016;
  LiaoModelConfig model;        // model_type liao2016
  QianModelConfig distal_model;  // model_type qian2025
  CohnModelConfig binary_model;  // model_type cohn2023
  AnalysisConfig analysis;      // the study's analysis with this scenario's grid values applied

  int num_decisions() const {
    switch (model_type) {
      case ModelType::kQian2025: return distal_model.decisions;
      case ModelType::kCohn2023: return binary_model.decisions;
      case ModelType::kLiao2016: break;
    }
    return model.num_decisions();
  }
  int sample_size = 0;  // 0 until planned when `formula` is set
  std::optional<FormulaSampleSize> formula;  // set when sample_size comes from the formula (or for comparison)
  std::optional<SimulatedSampleSize> simulated;  // set when sample_size is found by simulation
};

struct StudyConfig {
  std::string file;
  std::string text;  // the study file as read: the identity of a run's checkpoints
  std::string name;
  std::string description;
  uint64_t seed = 0;
  long long replicates = 1000;
  long long replicates_per_unit = 1000;  // grain of checkpoints, shards and ranks (host/engine/work_plan.h)
  std::optional<double> target_mcse;     // MC SE wanted on the rejection rates (replicates: auto)
  bool write_replicates = false;         // output.replicates: the per-replicate table
  bool write_zip_plots = false;          // output.zip_plots: a zip plot of coverage per cell
  // study.paired_analyses: scenarios that differ only in analysis.* settings share cohorts, and each
  // coefficient's relative precision is reported against the first of them (its reference).
  bool paired_analyses = false;
  std::vector<Hypothesis> hypotheses{Hypothesis::kNull, Hypothesis::kAlternative};
  AnalysisConfig analysis;
  double target_power = 0.8;  // nominal rejection rate under H1 for the flags
  std::vector<std::string> formats{"csv", "markdown", "json"};
  long long truth_subjects = 200000;  // Monte Carlo truth (qian2025 model): simulated subjects
  std::vector<ScenarioConfig> scenarios;
};

// The most replicates per cell (study.replicates, and mrtsim run --replicates).
constexpr long long kMaxReplicates = 1LL << 31;
// A unit's record holds each of its replicates' estimates and SEs (host/stats/cell_summary.h).
constexpr long long kMaxReplicatesPerUnit = 100000;

// Reads and validates a study file; every problem is a UserError naming the file, line and key.
StudyConfig load_study(const std::string& path);
StudyConfig parse_study(const std::string& yaml_text, const std::string& file_label);

}  // namespace mrtsim
