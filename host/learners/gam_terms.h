// The right-hand side of an mgcv model formula, y ~ intercept + linear columns + smooths s(x), as the
// gam nuisance learner takes it (docs/gam.md): terms written like R's `s(X) + Z`, `s(X, bs = "cr")`,
// `s(X, k = 5)`, `s(X, bs = "cr", k = 8)` or a plain column name, separated by '+' or ','.
#pragma once

#include <string>
#include <vector>

namespace mrtsim {

enum class SmoothBasisType {
  kThinPlate,         // bs = "tp", mgcv's default: thin plate regression spline
  kCubicRegression,   // bs = "cr": cubic regression spline, knots at quantiles of the unique values
};

const char* basis_name(SmoothBasisType type);  // "tp" or "cr"

// mgcv's default basis dimension of a one-dimensional smooth (k = 10 for both bases).
constexpr int kDefaultBasisDimension = 10;
// The smallest k: the penalty's null space (constant and linear functions) plus one function.
constexpr int kMinBasisDimension = 3;

struct SmoothTerm {
  std::string column;
  SmoothBasisType basis = SmoothBasisType::kThinPlate;
  int k = kDefaultBasisDimension;

  std::string label() const;  // mgcv's term label, "s(X)"
};

// Throws UserError when term.k < kMinBasisDimension (for terms made in code; the parser checks too).
void require_valid_basis_dimension(const SmoothTerm& term);

// Terms in the order mgcv lays out its model matrix: the intercept, the linear columns in the order
// written, then the smooths in the order written.
struct GamFormula {
  std::vector<std::string> linear;
  std::vector<SmoothTerm> smooths;

  std::vector<std::string> columns() const;  // every column the formula reads, linear ones first
  std::string to_string() const;             // "s(X, bs = \"cr\") + Z" (R syntax, defaults omitted)
};

// Parses terms separated by '+' or ',' (an empty text or "1" is the intercept-only model). Throws
// UserError naming the offending term for an unknown s() option, a basis other than "tp"/"cr", a k that
// is not an integer >= 3, a column named twice, or malformed text.
GamFormula parse_gam_formula(const std::string& text);

// The terms of `text` as written, split at the '+' and ',' outside parentheses and quotes and
// trimmed ("s(X, bs = \"cr\"), Z" -> {"s(X, bs = \"cr\")", "Z"}); empty text gives no term.
std::vector<std::string> split_gam_terms(const std::string& text);

// Terms joined as R writes a formula's right-hand side: "s(X) + Z" ("1" for none).
std::string join_gam_terms(const std::vector<std::string>& terms);

}  // namespace mrtsim
