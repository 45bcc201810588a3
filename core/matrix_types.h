// Dynamic-size matrix types shared by the host layers (data designs, learners): rows are
// observations, so row-major keeps one observation's values together.
#pragma once

#include <Eigen/Dense>

namespace mrtsim {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace mrtsim
