// random_forest.h on XGBoost's C API (Debian libxgboost-dev 1.7.4).
//
// Each chunk of trees is its own booster trained with nthread = 1 and its own seed, so nothing
// XGBoost does depends on how many of our threads run: XGBoost's multi-threaded tree building sums
// gradient histograms per thread, whose rounding (and so, rarely, a split) depends on the thread
// count, and its OpenMP workers spin badly on a shared, loaded machine. Each of our threads keeps one
// training and one prediction DMatrix (identical data, so which thread grows a chunk does not
// matter) and the chunks' predictions are added in chunk order.
#include <xgboost/c_api.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "core/user_error.h"
#include "host/learners/random_forest.h"

namespace mrtsim {
namespace {

[[noreturn]] void fail(const std::string& call) {
  throw UserError("random forest: XGBoost " + call + " failed: " + XGBGetLastError());
}

void check(int status, const char* call) {
  if (status != 0) fail(call);
}

struct DMatrixDeleter {
  void operator()(void* handle) const { XGDMatrixFree(handle); }
};
struct BoosterDeleter {
  void operator()(void* handle) const { XGBoosterFree(handle); }
};
using DMatrix = std::unique_ptr<void, DMatrixDeleter>;
using Booster = std::unique_ptr<void, BoosterDeleter>;

DMatrix dense_matrix(const std::vector<float>& values, std::size_t rows, std::size_t columns) {
  DMatrixHandle handle = nullptr;
  check(XGDMatrixCreateFromMat(values.data(), rows, columns, std::nanf(""), &handle), "XGDMatrixCreateFromMat");
  return DMatrix(handle);
}

// The rows of x as XGBoost's float matrix; `role` names them in errors.
std::vector<float> gather_rows(const RowMajorMatrix& x, const std::vector<std::size_t>& rows, const char* role) {
  std::vector<float> values;
  values.reserve(rows.size() * x.cols());
  for (const std::size_t row : rows) {
    if (row >= static_cast<std::size_t>(x.rows()))
      throw UserError(std::string("random forest: ") + role + " row " + std::to_string(row) +
                      " is out of range (the data have " + std::to_string(x.rows()) + " rows)");
    for (Eigen::Index column = 0; column < x.cols(); ++column) {
      const float value = static_cast<float>(x(row, column));
      if (!std::isfinite(value))
        throw UserError(std::string("random forest: covariate column ") + std::to_string(column + 1) + " on " + role +
                        " row " + std::to_string(row) + " is not a finite number in float range");
      values.push_back(value);
    }
  }
  return values;
}

// y on the fit rows, standardized (ranger is scale-free; XGBoost's minimum split gain of 1e-6 and
// its float labels are not), with the centre and scale to undo it.
struct Labels {
  std::vector<float> values;
  double centre = 0.0;
  double scale = 1.0;
};

Labels standardized_labels(const std::vector<double>& y, const std::vector<std::size_t>& fit_rows) {
  Labels labels;
  double sum = 0.0;
  for (const std::size_t row : fit_rows) {
    if (row >= y.size())
      throw UserError("random forest: fit row " + std::to_string(row) + " has no outcome (y has " +
                      std::to_string(y.size()) + " values)");
    if (!std::isfinite(y[row])) throw UserError("random forest: the outcome on fit row " + std::to_string(row) + " is not finite");
    sum += y[row];
  }
  labels.centre = sum / fit_rows.size();
  double squares = 0.0;
  for (const std::size_t row : fit_rows) squares += (y[row] - labels.centre) * (y[row] - labels.centre);
  const double sd = std::sqrt(squares / fit_rows.size());
  if (sd > 0.0) labels.scale = sd;
  for (const std::size_t row : fit_rows) labels.values.push_back(static_cast<float>((y[row] - labels.centre) / labels.scale));
  return labels;
}

// One thread's copies of the data.
struct ThreadData {
  DMatrix fit;
  DMatrix predict;
};

ThreadData thread_data(const std::vector<float>& fit_x, const Labels& labels, const std::vector<float>& predict_x,
                       std::size_t columns) {
  ThreadData data{dense_matrix(fit_x, labels.values.size(), columns),
                  dense_matrix(predict_x, predict_x.size() / columns, columns)};
  check(XGDMatrixSetFloatInfo(data.fit.get(), "label", labels.values.data(), labels.values.size()),
        "XGDMatrixSetFloatInfo");
  return data;
}

// Grows chunk `chunk` (`trees` trees) and returns its (standardized) predictions.
std::vector<float> chunk_predictions(const ThreadData& data, const RandomForestParams& params, int columns,
                                     std::size_t fit_rows, int chunk, int trees) {
  BoosterHandle handle = nullptr;
  DMatrixHandle train[1] = {data.fit.get()};
  check(XGBoosterCreate(train, 1, &handle), "XGBoosterCreate");
  const Booster booster(handle);
  for (const auto& [name, value] :
       xgboost_forest_parameters(params, columns, fit_rows, trees, random_forest_chunk_seed(params.seed, chunk)))
    check(XGBoosterSetParam(handle, name.c_str(), value.c_str()), "XGBoosterSetParam");
  check(XGBoosterUpdateOneIter(handle, 0, data.fit.get()), "XGBoosterUpdateOneIter");
  bst_ulong length = 0;
  const float* predictions = nullptr;
  check(XGBoosterPredict(handle, data.predict.get(), 0, 0, 0, &length, &predictions), "XGBoosterPredict");
  return std::vector<float>(predictions, predictions + length);
}

}  // namespace

bool random_forest_available() { return true; }

std::vector<double> random_forest_predict(const RowMajorMatrix& x, const std::vector<double>& y,
                                          const std::vector<std::size_t>& fit_rows,
                                          const std::vector<std::size_t>& predict_rows,
                                          const RandomForestParams& params) {
  const int columns = static_cast<int>(x.cols());
  validate_random_forest_params(params, columns);
  if (fit_rows.empty()) throw UserError("random forest: no rows to fit on");
  const std::vector<float> fit_x = gather_rows(x, fit_rows, "fit");
  const std::vector<float> predict_x = gather_rows(x, predict_rows, "prediction");
  const Labels labels = standardized_labels(y, fit_rows);
  if (predict_rows.empty()) return {};

  const int chunks = (params.num_trees + kRandomForestTreesPerChunk - 1) / kRandomForestTreesPerChunk;
  const auto trees_in = [&](int chunk) { return std::min(kRandomForestTreesPerChunk, params.num_trees - chunk * kRandomForestTreesPerChunk); };
  std::vector<std::vector<float>> chunk_output(chunks);
  std::string error;
#pragma omp parallel num_threads(params.threads)
  {
    std::unique_ptr<ThreadData> data;
#pragma omp for schedule(dynamic, 1)
    for (int chunk = 0; chunk < chunks; ++chunk) {
      try {
        if (!data) data = std::make_unique<ThreadData>(thread_data(fit_x, labels, predict_x, columns));
        chunk_output[chunk] = chunk_predictions(*data, params, columns, fit_rows.size(), chunk, trees_in(chunk));
      } catch (const std::exception& e) {
#pragma omp critical(random_forest_error)
        if (error.empty()) error = e.what();
      }
    }
  }
  if (!error.empty()) throw UserError(error);

  // Each chunk predicts the average of its trees: weight it by its share of all trees.
  std::vector<double> sum(predict_rows.size(), 0.0);
  for (int chunk = 0; chunk < chunks; ++chunk)
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += trees_in(chunk) * static_cast<double>(chunk_output[chunk][i]);
  std::vector<double> predictions(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) predictions[i] = labels.centre + labels.scale * sum[i] / params.num_trees;
  return predictions;
}

}  // namespace mrtsim
