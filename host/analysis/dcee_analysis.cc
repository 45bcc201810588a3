#include "host/analysis/dcee_analysis.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <utility>

#include <boost/math/distributions/normal.hpp>

#include "core/philox.h"
#include "core/user_error.h"
#include "host/learners/gam.h"
#include "host/stats/distributions.h"
#include "host/stats/fit_failure.h"
#include "kernels/dcee.h"

namespace mrtsim {
namespace {

// Below this reciprocal condition number a nuisance X'X or the bread counts as singular.
constexpr double kMinReciprocalCondition = 1e-13;

// A whole-string finite number, as --weight 0.25 means a constant.
bool parse_constant(const std::string& text, double* value) {
  if (text.empty()) return false;
  char* end = nullptr;
  *value = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(*value);
}

std::optional<std::string> weight_column(const DceeModelSpec& model) {
  double constant = 0.0;
  if (model.weight.empty() || parse_constant(model.weight, &constant)) return std::nullopt;
  return model.weight;
}

// Decision-point weights: non-negative (a weight is a share of the excursion effect), not all zero.
std::vector<double> row_weights(const MrtData& data, const DceeModelSpec& model) {
  if (const auto column = weight_column(model)) {
    const std::vector<double>& weights = data.covariate(*column);
    bool any_positive = false;
    for (std::size_t row = 0; row < weights.size(); ++row) {
      if (!(weights[row] >= 0.0))
        throw UserError(data.path + ", column '" + *column + "', data row " + std::to_string(row + 1) +
                        ": --weight values must be non-negative, got " + input_value_text(weights[row]));
      any_positive = any_positive || weights[row] > 0.0;
    }
    if (!any_positive) throw UserError("--weight " + *column + ": every weight is 0");
    return weights;
  }
  double constant = 0.0;
  if (parse_constant(model.weight, &constant)) {
    if (!(constant > 0.0)) throw UserError("--weight " + model.weight + ": a constant weight must be positive");
    return std::vector<double>(data.num_rows(), constant);
  }
  const double mean_rows_per_subject = static_cast<double>(data.num_rows()) / data.num_subjects();
  return std::vector<double>(data.num_rows(), 1.0 / mean_rows_per_subject);
}

// The distal outcome is observed once per subject, so it is repeated on every row of a subject.
void require_constant_outcome_per_subject(const MrtData& data) {
  for (std::size_t subject = 0; subject < data.num_subjects(); ++subject) {
    const std::size_t first = data.subject_begin[subject];
    for (std::size_t row = first + 1; row < data.subject_begin[subject + 1]; ++row)
      if (data.outcome[row] != data.outcome[first])
        throw UserError(data.path + ", data row " + std::to_string(row + 1) + ": the distal outcome of subject '" +
                        data.subject_ids[subject] + "' is " + input_value_text(data.outcome[row]) + " here but " +
                        input_value_text(data.outcome[first]) + " on its first row (data row " +
                        std::to_string(first + 1) + "); a distal outcome is one value per subject, repeated on "
                        "each of its rows");
  }
}

// Factorizes the symmetric m, or throws FitFailure(status, singular_message) when m is
// (numerically) singular.
Eigen::LDLT<Eigen::MatrixXd> factorize(const Eigen::MatrixXd& m, const std::string& singular_message,
                                       FitStatus status) {
  Eigen::LDLT<Eigen::MatrixXd> ldlt(m);
  if (ldlt.info() != Eigen::Success || !(ldlt.rcond() > kMinReciprocalCondition))
    throw FitFailure(status, singular_message);
  return ldlt;
}

// The terms' columns, for the data and the design: smooth terms give their covariate.
std::vector<std::string> control_columns(const std::vector<std::string>& controls) {
  return parse_gam_formula(join_gam_terms(controls)).columns();
}

// X'X and X'y of the rows of one arm.
struct ArmSums {
  Eigen::MatrixXd xtx;
  Eigen::VectorXd xty;
};
using NuisanceSums = std::array<ArmSums, 2>;  // indexed by the arm a

NuisanceSums zero_sums(int q) {
  NuisanceSums sums;
  for (ArmSums& arm : sums) {
    arm.xtx = Eigen::MatrixXd::Zero(q, q);
    arm.xty = Eigen::VectorXd::Zero(q);
  }
  return sums;
}

// " on the rows outside cross-fitting fold k" (1-based), or nothing without cross-fitting.
std::string fold_text(bool cross_fit, int group) {
  return cross_fit ? " on the rows outside cross-fitting fold " + std::to_string(group + 1) : "";
}

// Per-row predictions of mu_a, a = 0, 1 (zero where not needed: unavailable rows, set_to_zero).
using ArmPredictions = std::array<std::vector<double>, 2>;

// ---- lm: sums per group of subjects, refits by subtraction (kernels/dcee.h) ----

// One pass over the rows: the per-arm sums of every group of subjects (a cross-fitting fold, or
// group 0 = everybody).
std::vector<NuisanceSums> group_sums(const DceeDesign& design, const std::vector<int>& subject_group, int groups) {
  const MrtData& data = design.data;
  const int q = static_cast<int>(design.controls.cols());
  std::vector<NuisanceSums> sums(groups, zero_sums(q));
  for (std::size_t subject = 0; subject < data.num_subjects(); ++subject) {
    NuisanceSums& group = sums[subject_group[subject]];
    for (std::size_t row = data.subject_begin[subject]; row < data.subject_begin[subject + 1]; ++row) {
      ArmSums& arm = group[data.treatment[row]];
      dcee_add_nuisance_row(design.controls.row(row).data(), q, data.outcome[row], arm.xtx.data(), arm.xty.data());
    }
  }
  return sums;
}

ArmSums leave_out(const ArmSums& total, const ArmSums& part) {
  ArmSums out{Eigen::MatrixXd(total.xtx.rows(), total.xtx.cols()), Eigen::VectorXd(total.xty.size())};
  dcee_leave_part_out(total.xtx.data(), part.xtx.data(), static_cast<int>(total.xtx.size()), out.xtx.data());
  dcee_leave_part_out(total.xty.data(), part.xty.data(), static_cast<int>(total.xty.size()), out.xty.data());
  return out;
}

// Nuisance coefficients mu_a per group: fitted on the group's own rows without cross-fitting, on
// all other folds' rows (totals minus the fold's sums) with it.
std::vector<std::array<Eigen::VectorXd, 2>> nuisance_coefficients(const std::vector<NuisanceSums>& sums,
                                                                  bool cross_fit) {
  NuisanceSums total = zero_sums(static_cast<int>(sums[0][0].xty.size()));
  for (const NuisanceSums& group : sums)
    for (int a = 0; a < 2; ++a) {
      total[a].xtx += group[a].xtx;
      total[a].xty += group[a].xty;
    }
  std::vector<std::array<Eigen::VectorXd, 2>> coefficients(sums.size());
  for (std::size_t g = 0; g < sums.size(); ++g)
    for (int a = 0; a < 2; ++a) {
      const ArmSums fit_rows = cross_fit ? leave_out(total[a], sums[g][a]) : sums[g][a];
      coefficients[g][a] = factorize(fit_rows.xtx, "the lm nuisance fit for treatment " + std::to_string(a) +
                                                       fold_text(cross_fit, static_cast<int>(g)) +
                                                       " is singular: too few rows with that treatment, or "
                                                       "collinear or constant control columns",
                                     FitStatus::kSingularNuisance)
                               .solve(fit_rows.xty);
    }
  return coefficients;
}

ArmPredictions lm_predictions(const DceeDesign& design, const std::vector<int>& subject_group, int groups,
                              bool cross_fit) {
  const MrtData& data = design.data;
  const int q = static_cast<int>(design.controls.cols());
  const std::vector<std::array<Eigen::VectorXd, 2>> mu =
      nuisance_coefficients(group_sums(design, subject_group, groups), cross_fit);
  ArmPredictions predictions{std::vector<double>(data.num_rows()), std::vector<double>(data.num_rows())};
  for (std::size_t subject = 0; subject < data.num_subjects(); ++subject)
    for (std::size_t row = data.subject_begin[subject]; row < data.subject_begin[subject + 1]; ++row)
      for (int a = 0; a < 2; ++a)
        predictions[a][row] = dcee_dot(design.controls.row(row).data(), mu[subject_group[subject]][a].data(), q);
  return predictions;
}

// ---- gam and rf: a fit per (group, arm) on rows, predictions on the group's available rows ----

// The rows of one group's stage 1: what each arm's model is fitted on and where it predicts.
struct GroupRows {
  std::array<std::vector<std::size_t>, 2> fit;
  std::vector<std::size_t> predict;
};

GroupRows group_rows(const MrtData& data, const std::vector<int>& subject_group, int group, bool cross_fit) {
  GroupRows rows;
  for (std::size_t subject = 0; subject < data.num_subjects(); ++subject) {
    const bool in_group = subject_group[subject] == group;
    const bool fits = !cross_fit || !in_group;
    for (std::size_t row = data.subject_begin[subject]; row < data.subject_begin[subject + 1]; ++row) {
      if (fits) rows.fit[data.treatment[row]].push_back(row);
      if (in_group && data.available[row]) rows.predict.push_back(row);
    }
  }
  return rows;
}

// mu_a fitted on `fit_rows` and predicted on `predict_rows` by the design's learner.
std::vector<double> learner_predictions(const DceeDesign& design, const std::vector<std::size_t>& fit_rows,
                                        const std::vector<std::size_t>& predict_rows, uint64_t seed) {
  const MrtData& data = design.data;
  const DceeNuisanceSpec& nuisance = design.nuisance;
  if (nuisance.learner == DceeLearner::kGam) {
    GamData columns(data.num_rows());
    for (const std::string& name : nuisance.formula.columns()) columns.add(name, data.covariate(name));
    const GamModel model = GamModel::fit(nuisance.formula, columns, data.outcome.data(), fit_rows);
    const Eigen::VectorXd mu = model.predict(columns, predict_rows);
    return std::vector<double>(mu.data(), mu.data() + mu.size());
  }
  RandomForestParams forest = nuisance.forest;
  forest.seed = seed;
  return random_forest_predict(design.controls, data.outcome, fit_rows, predict_rows, forest);
}

ArmPredictions fitted_learner_predictions(const DceeDesign& design, const std::vector<int>& subject_group, int groups,
                                          bool cross_fit, const LearnerStream& stream) {
  const MrtData& data = design.data;
  const char* learner = kDceeLearnerNames.name(design.nuisance.learner);
  ArmPredictions predictions{std::vector<double>(data.num_rows()), std::vector<double>(data.num_rows())};
  for (int g = 0; g < groups; ++g) {
    const GroupRows rows = group_rows(data, subject_group, g, cross_fit);
    for (int a = 0; a < 2; ++a) {
      const std::string where = std::string("the ") + learner + " nuisance fit for treatment " + std::to_string(a) +
                                fold_text(cross_fit, g);
      if (rows.fit[a].empty())
        throw FitFailure(FitStatus::kSingularNuisance, where + " has no rows with that treatment");
      std::vector<double> mu;
      try {
        mu = learner_predictions(design, rows.fit[a], rows.predict, nuisance_learner_seed(stream, a, g));
      } catch (const FitFailure& e) {
        throw FitFailure(e.status(), where + " failed: " + e.what());
      } catch (const UserError& e) {
        throw FitFailure(FitStatus::kLearnerError, where + " failed: " + e.what());
      }
      for (std::size_t i = 0; i < rows.predict.size(); ++i) predictions[a][rows.predict[i]] = mu[i];
    }
  }
  return predictions;
}

ArmPredictions nuisance_predictions(const DceeDesign& design, const std::vector<int>& subject_group, int groups,
                                    bool cross_fit, const LearnerStream& stream) {
  switch (design.nuisance.learner) {
    case DceeLearner::kLm: return lm_predictions(design, subject_group, groups, cross_fit);
    case DceeLearner::kSetToZero:
      return {std::vector<double>(design.data.num_rows()), std::vector<double>(design.data.num_rows())};
    case DceeLearner::kGam:
    case DceeLearner::kRandomForest: break;
  }
  return fitted_learner_predictions(design, subject_group, groups, cross_fit, stream);
}

std::vector<int> single_group(std::size_t num_subjects) { return std::vector<int>(num_subjects, 0); }

double critical_value(double df, double confidence_level) {
  const double probability = 0.5 + confidence_level / 2;
  if (df > 0 && std::isfinite(df)) return student_t_quantile(df, probability);
  return boost::math::quantile(boost::math::normal(), probability);
}

double two_sided_p(double df, double t) {
  if (df > 0 && std::isfinite(df)) return student_t_two_sided_p(df, t);
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::fabs(t)));
}

std::vector<CoefficientInference> effect_block(const DceeDesign& design, const DceeEstimate& estimate, double df,
                                               double confidence_level) {
  const double critical = critical_value(df, confidence_level);
  std::vector<CoefficientInference> block;
  for (int j = 0; j < design.num_effects(); ++j) {
    const double beta = estimate.beta(j);
    const double se = std::sqrt(estimate.variance(j, j));
    block.push_back({design.effect_terms[j], beta, se, beta - critical * se, beta + critical * se,
                     two_sided_p(df, beta / se)});
  }
  return block;
}

}  // namespace

std::vector<std::string> dcee_covariate_columns(const DceeModelSpec& model) {
  std::vector<std::string> columns = control_columns(model.controls);
  for (const std::string& moderator : model.moderators)
    if (!contains(columns, moderator)) columns.push_back(moderator);
  if (const auto column = weight_column(model); column && !contains(columns, *column)) columns.push_back(*column);
  if (!model.fold_column.empty() && !contains(columns, model.fold_column)) columns.push_back(model.fold_column);
  return columns;
}

MrtColumnSpec dcee_column_spec(MrtColumnSpec columns, const DceeModelSpec& model) {
  columns.covariates = dcee_covariate_columns(model);
  columns.every_row_complete = true;
  return columns;
}

DceeNuisanceSpec make_nuisance_spec(DceeLearner learner, const std::vector<std::string>& controls,
                                    const RandomForestParams& forest) {
  DceeNuisanceSpec spec;
  spec.learner = learner;
  spec.formula = parse_gam_formula(join_gam_terms(controls));
  spec.forest = forest;
  if (learner != DceeLearner::kGam && !spec.formula.smooths.empty())
    throw UserError("control term '" + spec.formula.smooths.front().label() +
                    "': smooth terms s() are only for the gam learner (the learner is " +
                    kDceeLearnerNames.name(learner) + ")");
  if (learner == DceeLearner::kRandomForest) {
    if (spec.formula.linear.empty())
      throw UserError("the rf learner needs at least one control column (an intercept-only forest predicts the arm's "
                      "mean: use lm)");
    validate_random_forest_params(forest, static_cast<int>(spec.formula.linear.size()));
    require_random_forest_available();
  }
  return spec;
}

DceeDesign make_dcee_design(MrtData data, const DceeModelSpec& model) {
  require_distinct(model.moderators, "moderators");
  if (!(model.confidence_level > 0.0 && model.confidence_level < 1.0))
    throw UserError("the confidence level must lie strictly between 0 and 1");
  if (model.cross_fit_folds < 0 || model.cross_fit_folds == 1)
    throw UserError("cross-fitting needs at least 2 folds, got " + std::to_string(model.cross_fit_folds));
  if (data.num_subjects() == 0) throw UserError(data.path + ": no data rows");
  require_constant_outcome_per_subject(data);
  DceeDesign design;
  design.nuisance = make_nuisance_spec(model.learner, model.controls, model.forest);
  design.moderators = term_matrix(data, model.moderators);
  const std::vector<std::string>& linear = design.nuisance.formula.linear;
  if (model.learner == DceeLearner::kLm) design.controls = term_matrix(data, linear);
  if (model.learner == DceeLearner::kRandomForest) design.controls = term_matrix(data, linear).rightCols(linear.size());
  design.effect_terms = with_intercept(model.moderators);
  design.weight = row_weights(data, model);
  design.data = std::move(data);
  return design;
}

std::vector<int> cross_fit_folds(std::size_t num_subjects, int folds, uint64_t seed) {
  std::vector<uint64_t> draw(num_subjects);
  for (std::size_t subject = 0; subject < num_subjects; ++subject) {
    const StreamKey key{seed, 0, 0, static_cast<uint32_t>(subject), StreamPurpose::kFold};
    const Philox4x32 words = key.words(0);
    draw[subject] = (static_cast<uint64_t>(words.v[0]) << 32) | words.v[1];
  }
  std::vector<std::size_t> order(num_subjects);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return draw[a] != draw[b] ? draw[a] < draw[b] : a < b; });
  std::vector<int> fold(num_subjects);
  for (std::size_t position = 0; position < num_subjects; ++position)
    fold[order[position]] = static_cast<int>(position % folds);
  return fold;
}

uint64_t nuisance_learner_seed(const LearnerStream& stream, int arm, int fold) {
  const StreamKey key{stream.seed, stream.scenario, stream.replicate, static_cast<uint32_t>(2 * fold + arm),
                      StreamPurpose::kLearner};
  const Philox4x32 words = key.words(0);
  return (static_cast<uint64_t>(words.v[1]) << 32) | words.v[0];
}

std::vector<double> dcee_pseudo_outcomes(const DceeDesign& design, const std::vector<int>& subject_fold, int num_folds,
                                         const LearnerStream& stream) {
  const MrtData& data = design.data;
  const bool cross_fit = !subject_fold.empty();
  const ArmPredictions mu = nuisance_predictions(design, cross_fit ? subject_fold : single_group(data.num_subjects()),
                                                 cross_fit ? num_folds : 1, cross_fit, stream);
  std::vector<double> psi(data.num_rows());
  for (std::size_t row = 0; row < data.num_rows(); ++row)
    psi[row] = dcee_pseudo_outcome(data.outcome[row], data.treatment[row], data.rand_prob[row],
                                   data.available[row] != 0, mu[1][row], mu[0][row]);
  return psi;
}

DceeEstimate dcee_stage2(const DceeDesign& design, const RowMajorMatrix& moderators, const std::vector<double>& psi) {
  const MrtData& data = design.data;
  const int p = static_cast<int>(moderators.cols());
  Eigen::MatrixXd bread = Eigen::MatrixXd::Zero(p, p);
  Eigen::VectorXd score = Eigen::VectorXd::Zero(p);
  for (std::size_t row = 0; row < data.num_rows(); ++row)
    dcee_add_stage2_row(moderators.row(row).data(), p, design.weight[row], psi[row], bread.data(), score.data());

  const Eigen::LDLT<Eigen::MatrixXd> bread_ldlt =
      factorize(bread, "the DCEE bread matrix sum w S S' is singular: moderator columns are collinear or constant, "
                       "or the weights are zero", FitStatus::kSingularBread);
  DceeEstimate estimate;
  estimate.beta = bread_ldlt.solve(score);

  Eigen::MatrixXd meat = Eigen::MatrixXd::Zero(p, p);
  Eigen::VectorXd u(p);
  for (std::size_t subject = 0; subject < data.num_subjects(); ++subject) {
    u.setZero();
    for (std::size_t row = data.subject_begin[subject]; row < data.subject_begin[subject + 1]; ++row)
      dcee_add_subject_score(moderators.row(row).data(), p, design.weight[row], psi[row], estimate.beta.data(), u.data());
    dcee_add_outer(u.data(), p, 1.0, meat.data());
  }
  const Eigen::MatrixXd bread_inverse = bread_ldlt.solve(Eigen::MatrixXd::Identity(p, p));
  estimate.variance = bread_inverse * meat * bread_inverse;
  return estimate;
}

DceeEstimate fit_dcee(const DceeDesign& design, const std::vector<int>& subject_fold, int num_folds,
                      const LearnerStream& stream) {
  return dcee_stage2(design, design.moderators, dcee_pseudo_outcomes(design, subject_fold, num_folds, stream));
}

namespace {

// Each subject's fold from `column`: an integer 0..K-1 on all of its rows, every fold 0..K-1 used, K >= 2.
std::vector<int> folds_from_column(const MrtData& data, const std::string& column) {
  const std::vector<double>& values = data.covariate(column);
  std::vector<int> folds(data.num_subjects());
  for (std::size_t i = 0; i < data.num_subjects(); ++i) {
    const double fold = values[data.subject_begin[i]];
    require_input(fold >= 0 && fold == std::floor(fold) && fold < 1e6,
                  data.path + ": fold column '" + column + "' is " + input_value_text(fold) + " for subject " +
                      data.subject_ids[i] + "; folds are whole numbers 0, 1, ..., K - 1");
    for (std::size_t r = data.subject_begin[i]; r < data.subject_begin[i + 1]; ++r)
      require_input(values[r] == fold, data.path + ": fold column '" + column + "' changes within subject " +
                                           data.subject_ids[i]);
    folds[i] = static_cast<int>(fold);
  }
  const int k = *std::max_element(folds.begin(), folds.end()) + 1;
  require_input(k >= 2, data.path + ": fold column '" + column + "' holds one fold; cross-fitting needs at least 2");
  std::vector<int> used(static_cast<std::size_t>(k), 0);
  for (int f : folds) used[static_cast<std::size_t>(f)] = 1;
  for (int f = 0; f < k; ++f)
    require_input(used[static_cast<std::size_t>(f)] != 0,
                  data.path + ": fold column '" + column + "' has no subject in fold " + std::to_string(f) +
                      " of 0.." + std::to_string(k - 1));
  return folds;
}

}  // namespace

DceeAnalysis analyze_dcee(const DceeDesign& design, const DceeModelSpec& model) {
  DceeAnalysis analysis;
  analysis.n_subjects = design.data.num_subjects();
  analysis.df = static_cast<int>(analysis.n_subjects) - design.num_effects();
  if (analysis.df < 1)
    throw UserError("DCEE needs more subjects than effect coefficients (df = n - p >= 1), but the data have " +
                    std::to_string(analysis.n_subjects) + " subjects for " + std::to_string(design.num_effects()) +
                    " effect coefficients");
  analysis.confidence_level = model.confidence_level;
  analysis.learner = model.learner;
  std::vector<int> folds;
  // Folds only matter for fitted nuisances; set_to_zero has none to cross-fit.
  if (!model.fold_column.empty() && model.learner != DceeLearner::kSetToZero) {
    folds = folds_from_column(design.data, model.fold_column);
    analysis.cross_fit_folds = *std::max_element(folds.begin(), folds.end()) + 1;
  } else if (model.cross_fit_folds > 0 && model.learner != DceeLearner::kSetToZero) {
    const int k = static_cast<int>(std::min<std::size_t>(model.cross_fit_folds, analysis.n_subjects));
    folds = cross_fit_folds(analysis.n_subjects, k, model.seed);
    analysis.cross_fit_folds = k;
  }
  if (analysis.cross_fit_folds || model.learner == DceeLearner::kRandomForest) analysis.seed = model.seed;
  const DceeEstimate estimate =
      fit_dcee(design, folds, analysis.cross_fit_folds.value_or(0), LearnerStream{model.seed, 0, 0});
  if (!estimate.beta.allFinite() || !estimate.variance.allFinite()) throw non_finite_fit_error("DCEE", design.data);
  analysis.effect = effect_block(design, estimate, analysis.df, model.confidence_level);
  analysis.variance = estimate.variance;
  return analysis;
}

}  // namespace mrtsim
