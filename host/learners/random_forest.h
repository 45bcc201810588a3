// Random-forest regression, the `rf` nuisance learner of DCEE (docs/estimators.md §2.3): XGBoost's
// C API in random-forest mode (one boosting round of parallel trees, learning rate 1), configured as
// close to R ranger's regression defaults as XGBoost allows. docs/random_forest.md says why XGBoost,
// how each ranger default is mapped, where they differ, and how close the predictions come to
// ranger's on the Qian et al. (2025) model.
//
// Reproducibility: the trees are grown in fixed chunks of kRandomForestTreesPerChunk, each an
// independent single-threaded XGBoost forest whose seed is a Philox draw keyed by (seed, chunk)
// (core/philox.h, purpose kForest); chunks run in parallel and their predictions are combined in
// chunk order. So the same data, parameters and seed give bitwise identical predictions for any
// thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/matrix_types.h"

namespace mrtsim {

// Hyper-parameters, named and defaulted as ranger's (regression) where ranger has the concept.
struct RandomForestParams {
  int num_trees = 500;             // ranger num.trees
  int mtry = 0;                    // ranger mtry: covariates tried at each split; 0: floor(sqrt(p)), at least 1
  int min_node_size = 5;           // ranger min.node.size: a node of at most this many rows is not split
  double sample_fraction = 0.632;  // each tree's share of the rows, drawn without replacement (ranger's
                                   // default with replace = FALSE; XGBoost cannot draw with replacement)
  int max_bins = 1024;             // XGBoost max_bin: candidate split points per covariate (ranger tries all)
  uint64_t seed = 0;
  int threads = 1;                 // CPU threads; the predictions do not depend on it
};

constexpr int kRandomForestTreesPerChunk = 25;

// Whether this build has the learner (CMake option MRTSIM_ENABLE_XGBOOST).
bool random_forest_available();

// Throws UserError saying the learner is not in this build (naming `--learner rf` and `nuisance: rf`)
// unless random_forest_available().
void require_random_forest_available();

// Throws UserError naming the first parameter out of range for `num_covariates` columns.
void validate_random_forest_params(const RandomForestParams& params, int num_covariates);

// The XGBoost booster parameters (name, value) of one chunk of `trees` trees fitted on `rows` rows
// with `num_covariates` columns: the ranger mapping documented in docs/random_forest.md.
std::vector<std::pair<std::string, std::string>> xgboost_forest_parameters(const RandomForestParams& params,
                                                                           int num_covariates, std::size_t rows,
                                                                           int trees, uint32_t chunk_seed);

// Chunk c's XGBoost seed: word 0 of Philox keyed by StreamKey{seed, 0, 0, c, kForest}, draw 0.
uint32_t random_forest_chunk_seed(uint64_t seed, int chunk);

// Fits a regression forest of y on every column of x using the rows `fit_rows`, and returns its
// predictions for the rows `predict_rows` (in that order). y is read on fit rows only. Throws
// UserError for bad parameters, no fit rows, a row index out of range, a non-finite value, or a
// build without XGBoost (naming `--learner rf`).
std::vector<double> random_forest_predict(const RowMajorMatrix& x, const std::vector<double>& y,
                                          const std::vector<std::size_t>& fit_rows,
                                          const std::vector<std::size_t>& predict_rows,
                                          const RandomForestParams& params);

}  // namespace mrtsim
