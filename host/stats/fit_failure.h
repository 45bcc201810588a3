// A fit that cannot be completed on the data it was given (a learner or estimator that fails on one
// data set), with the FitStatus it counts as in a simulation study. It is a UserError: on a real
// data set (`mrtsim dcee`, ...) the message goes to the user as any input error; inside a simulated
// replicate the engine counts the replicate under status() (kernels/fit_status.h), so failures are
// reported per reason, never dropped.
#pragma once

#include <string>

#include "core/user_error.h"
#include "kernels/fit_status.h"

namespace mrtsim {

class FitFailure : public UserError {
 public:
  FitFailure(FitStatus status, const std::string& message) : UserError(message), status_(status) {}
  FitStatus status() const { return status_; }

 private:
  FitStatus status_;
};

}  // namespace mrtsim
