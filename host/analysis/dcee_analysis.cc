#include "host/analysis/dcee_analysis.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <utility>

#include <boost/math/distributions/normal.hpp>

#include "host/stats/distributions.h"
#include "core/user_error.h"
#include "kernels/dcee.h"
#include "core/philox.h"

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

// Factorizes the symmetric m, or throws `singular_message` when m is (numerically) singular.
Eigen::LDLT<Eigen::MatrixXd> factorize(const Eigen::MatrixXd& m, const std::string& singular_message) {
  Eigen::LDLT<Eigen::MatrixXd> ldlt(m);
  if (ldlt.info() != Eigen::Success || !(ldlt.rcond() > kMinReciprocalCondition)) throw UserError(singular_message);
  return ldlt;
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

// One pass over the rows: the per-arm sums of every group of subjects (a cross-fitting fold, or
// group 0 = everybody).
std::vector<NuisanceSums> group_sums(const DceeDesign& design, const std::vector<int>& subject_group, int groups) {
  const MrtData& data = design.data;
  const int q = design.num_nuisance();
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
      const std::string where = cross_fit ? " on the rows outside cross-fitting fold " + std::to_string(g + 1) : "";
      coefficients[g][a] = factorize(fit_rows.xtx, "the lm nuisance fit for treatment " + std::to_string(a) + where +
                                                       " is singular: too few rows with that treatment, or "
                                                       "collinear or constant control columns")
                               .solve(fit_rows.xty);
    }
  return coefficients;
}

// psi_it for every row, with mu from the row's group (all zero for set_to_zero).
std::vector<double> pseudo_outcomes(const DceeDesign& design, DceeLearner learner, const std::vector<int>& subject_group,
                                    int groups, bool cross_fit) {
  const MrtData& data = design.data;
  const int q = design.num_nuisance();
  std::vector<std::array<Eigen::VectorXd, 2>> mu;
  if (learner == DceeLearner::kLm) mu = nuisance_coefficients(group_sums(design, subject_group, groups), cross_fit);
  std::vector<double> psi(data.num_rows());
  for (std::size_t subject = 0; subject < data.num_subjects(); ++subject)
    for (std::size_t row = data.subject_begin[subject]; row < data.subject_begin[subject + 1]; ++row) {
      double mu_a[2] = {0.0, 0.0};
      if (!mu.empty())
        for (int a = 0; a < 2; ++a) mu_a[a] = dcee_dot(design.controls.row(row).data(), mu[subject_group[subject]][a].data(), q);
      psi[row] = dcee_pseudo_outcome(data.outcome[row], data.treatment[row], data.rand_prob[row],
                                     data.available[row] != 0, mu_a[1], mu_a[0]);
    }
  return psi;
}

// Stage 2 (docs/estimators.md §2.5) given the pseudo-outcomes.
DceeEstimate stage2(const DceeDesign& design, const std::vector<double>& psi) {
  const MrtData& data = design.data;
  const int p = design.num_effects();
  Eigen::MatrixXd bread = Eigen::MatrixXd::Zero(p, p);
  Eigen::VectorXd score = Eigen::VectorXd::Zero(p);
  for (std::size_t row = 0; row < data.num_rows(); ++row)
    dcee_add_stage2_row(design.moderators.row(row).data(), p, design.weight[row], psi[row], bread.data(), score.data());

  const Eigen::LDLT<Eigen::MatrixXd> bread_ldlt =
      factorize(bread, "the DCEE bread matrix sum w S S' is singular: moderator columns are collinear or constant, "
                       "or the weights are zero");
  DceeEstimate estimate;
  estimate.beta = bread_ldlt.solve(score);

  Eigen::MatrixXd meat = Eigen::MatrixXd::Zero(p, p);
  Eigen::VectorXd u(p);
  for (std::size_t subject = 0; subject < data.num_subjects(); ++subject) {
    u.setZero();
    for (std::size_t row = data.subject_begin[subject]; row < data.subject_begin[subject + 1]; ++row)
      dcee_add_subject_score(design.moderators.row(row).data(), p, design.weight[row], psi[row], estimate.beta.data(),
                             u.data());
    dcee_add_outer(u.data(), p, 1.0, meat.data());
  }
  const Eigen::MatrixXd bread_inverse = bread_ldlt.solve(Eigen::MatrixXd::Identity(p, p));
  estimate.variance = bread_inverse * meat * bread_inverse;
  return estimate;
}

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

const char* learner_name(DceeLearner learner) { return learner == DceeLearner::kLm ? "lm" : "set_to_zero"; }

std::vector<std::string> dcee_covariate_columns(const DceeModelSpec& model) {
  std::vector<std::string> columns = model.controls;
  for (const std::string& moderator : model.moderators)
    if (!contains(columns, moderator)) columns.push_back(moderator);
  if (const auto column = weight_column(model); column && !contains(columns, *column)) columns.push_back(*column);
  return columns;
}

MrtColumnSpec dcee_column_spec(MrtColumnSpec columns, const DceeModelSpec& model) {
  columns.covariates = dcee_covariate_columns(model);
  columns.every_row_complete = true;
  return columns;
}

DceeDesign make_dcee_design(MrtData data, const DceeModelSpec& model) {
  require_distinct(model.moderators, "moderators");
  require_distinct(model.controls, "controls");
  if (!(model.confidence_level > 0.0 && model.confidence_level < 1.0))
    throw UserError("the confidence level must lie strictly between 0 and 1");
  if (model.cross_fit_folds < 0 || model.cross_fit_folds == 1)
    throw UserError("cross-fitting needs at least 2 folds, got " + std::to_string(model.cross_fit_folds));
  if (data.num_subjects() == 0) throw UserError(data.path + ": no data rows");
  require_constant_outcome_per_subject(data);
  DceeDesign design;
  design.moderators = term_matrix(data, model.moderators);
  design.controls = term_matrix(data, model.controls);
  design.effect_terms = with_intercept(model.moderators);
  design.nuisance_terms = with_intercept(model.controls);
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

DceeEstimate fit_dcee(const DceeDesign& design, DceeLearner learner, const std::vector<int>& subject_fold,
                      int num_folds) {
  const bool cross_fit = !subject_fold.empty();
  const std::vector<int> subject_group = cross_fit ? subject_fold : std::vector<int>(design.data.num_subjects(), 0);
  return stage2(design, pseudo_outcomes(design, learner, subject_group, cross_fit ? num_folds : 1, cross_fit));
}

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
  if (model.cross_fit_folds > 0 && model.learner == DceeLearner::kLm) {
    const int k = static_cast<int>(std::min<std::size_t>(model.cross_fit_folds, analysis.n_subjects));
    folds = cross_fit_folds(analysis.n_subjects, k, model.seed);
    analysis.cross_fit_folds = k;
    analysis.seed = model.seed;
  }
  const DceeEstimate estimate =
      fit_dcee(design, model.learner, folds, analysis.cross_fit_folds.value_or(0));
  if (!estimate.beta.allFinite() || !estimate.variance.allFinite()) throw non_finite_fit_error("DCEE", design.data);
  analysis.effect = effect_block(design, estimate, analysis.df, model.confidence_level);
  analysis.variance = estimate.variance;
  return analysis;
}

}  // namespace mrtsim
