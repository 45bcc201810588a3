// The parts of the random-forest learner that do not call XGBoost: parameter checks, the mapping of
// ranger's hyper-parameters onto XGBoost's, and the chunk seeds. The fit itself is in
// random_forest_xgboost.cc (or random_forest_unavailable.cc in a build without XGBoost).
#include "host/learners/random_forest.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/philox.h"
#include "core/user_error.h"

namespace mrtsim {
namespace {

int resolved_mtry(const RandomForestParams& params, int num_covariates) {
  if (params.mtry > 0) return params.mtry;
  return std::max(1, static_cast<int>(std::floor(std::sqrt(static_cast<double>(num_covariates)))));
}

// XGBoost keeps int(colsample * p) covariates per node (random.cc, ColumnSampler::ColSample), so the
// fraction is set half a covariate above mtry / p: truncation then gives exactly mtry whatever the
// float rounding.
double column_fraction(int mtry, int num_covariates) {
  return mtry >= num_covariates ? 1.0 : (mtry + 0.5) / num_covariates;
}

// ranger splits a node of m rows when m > min.node.size; XGBoost splits one when both children can
// hold min_child_weight rows (hessian 1 per row), i.e. m >= 2 min_child_weight. The smallest
// splittable node agrees when min_child_weight = ceil((min.node.size + 1) / 2).
int min_child_rows(int min_node_size) { return (min_node_size + 2) / 2; }

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

}  // namespace

void require_random_forest_available() {
  if (!random_forest_available())
    throw UserError(
        "the random-forest learner (--learner rf, or nuisance: rf in a study) is not available: this mrtsim was built "
        "without XGBoost (install libxgboost-dev and reconfigure with -DMRTSIM_ENABLE_XGBOOST=ON)");
}

void validate_random_forest_params(const RandomForestParams& params, int num_covariates) {
  const std::string what = "random forest: ";
  if (num_covariates < 1) throw UserError(what + "needs at least one covariate column (an intercept-only model has none)");
  if (params.num_trees < 1) throw UserError(what + "num_trees must be at least 1, got " + std::to_string(params.num_trees));
  if (params.mtry < 0 || params.mtry > num_covariates)
    throw UserError(what + "mtry must lie between 1 and the number of covariates (" + std::to_string(num_covariates) +
                    "), or be 0 for floor(sqrt(p)); got " + std::to_string(params.mtry));
  if (params.min_node_size < 1)
    throw UserError(what + "min_node_size must be at least 1, got " + std::to_string(params.min_node_size));
  if (!(params.sample_fraction > 0.0 && params.sample_fraction <= 1.0))
    throw UserError(what + "sample_fraction must lie in (0, 1], got " + number(params.sample_fraction));
  if (params.max_bins < 2) throw UserError(what + "max_bins must be at least 2, got " + std::to_string(params.max_bins));
  if (params.threads < 1) throw UserError(what + "threads must be at least 1, got " + std::to_string(params.threads));
}

std::vector<std::pair<std::string, std::string>> xgboost_forest_parameters(const RandomForestParams& params,
                                                                           int num_covariates, std::size_t rows,
                                                                           int trees, uint32_t chunk_seed) {
  const int mtry = resolved_mtry(params, num_covariates);
  return {
      {"booster", "gbtree"},
      {"objective", "reg:squarederror"},
      // One round of `trees` parallel trees with learning rate 1: XGBoost divides the rate by the
      // number of parallel trees, so the prediction is their average (a random forest).
      {"num_parallel_tree", std::to_string(trees)},
      {"learning_rate", "1"},
      // Leaf value = mean of the leaf's (standardized) labels and split gain = decrease in squared
      // error, as ranger's variance split rule: no L1/L2 penalty, no minimum gain.
      {"reg_lambda", "0"},
      {"reg_alpha", "0"},
      {"min_split_loss", "0"},
      {"base_score", "0"},
      // Unlimited depth: hist grows loss-guided trees until no node can be split (max_depth 0 is
      // allowed there; a tree on `rows` rows never has more than `rows` leaves).
      {"tree_method", "hist"},
      {"grow_policy", "lossguide"},
      {"max_depth", "0"},
      {"max_leaves", std::to_string(std::max<std::size_t>(rows, 2))},
      {"max_bin", std::to_string(params.max_bins)},
      {"min_child_weight", std::to_string(min_child_rows(params.min_node_size))},
      {"subsample", number(params.sample_fraction)},
      {"sampling_method", "uniform"},
      {"colsample_bytree", "1"},
      {"colsample_bylevel", "1"},
      {"colsample_bynode", number(column_fraction(mtry, num_covariates))},
      {"nthread", "1"},
      {"seed", std::to_string(chunk_seed)},
      {"verbosity", "0"},
  };
}

uint32_t random_forest_chunk_seed(uint64_t seed, int chunk) {
  const StreamKey key{seed, 0, 0, static_cast<uint32_t>(chunk), StreamPurpose::kForest};
  return key.words(0).v[0];
}

}  // namespace mrtsim
