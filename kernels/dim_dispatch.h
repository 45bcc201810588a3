// Runs a functor templated on the WCLS dimension D for a run-time D in [1, kMaxWclsDim], so the
// per-replicate code gets fixed-size (register-resident) matrices.
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "kernels/wcls.h"

namespace mrtsim {

namespace detail {
template <class Fn, int... Ds>
decltype(auto) dispatch_dim_impl(int d, Fn&& fn, std::integer_sequence<int, Ds...>) {
  using Result = decltype(fn(std::integral_constant<int, 1>{}));
  if constexpr (std::is_void_v<Result>) {
    bool matched = ((d == Ds + 1 ? (fn(std::integral_constant<int, Ds + 1>{}), true) : false) || ...);
    (void)matched;
  } else {
    Result result{};
    ((d == Ds + 1 ? (result = fn(std::integral_constant<int, Ds + 1>{}), true) : false) || ...);
    return result;
  }
}
}  // namespace detail

template <class Fn>
decltype(auto) dispatch_dim(int d, Fn&& fn) {
  if (d < 1 || d > kMaxWclsDim)
    throw std::invalid_argument("WCLS model has " + std::to_string(d) + " coefficients; mrtsim supports 1 to " +
                                std::to_string(kMaxWclsDim));
  return detail::dispatch_dim_impl(d, std::forward<Fn>(fn), std::make_integer_sequence<int, kMaxWclsDim>{});
}

}  // namespace mrtsim
