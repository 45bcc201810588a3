# Reference values for tests/test_gam.cc: mgcv 1.8-41 (Debian r-cran-mgcv) fits, bases and predictions
# on data generated here. Run from the repository root:
#   Rscript tests/data/gam_reference.R
# It writes tests/data/gam_small.csv, tests/data/gam_large.csv and tests/data/gam_reference.json.
# Covariates are rounded to 6 decimals and every fit reads the data back from the CSV, so R and the
# C++ tests fit exactly the same numbers. Numbers are written to 12 significant digits; fitted values
# of the larger fits at (at most) 500 of their rows.
suppressPackageStartupMessages({ library(mgcv); library(jsonlite) })
stopifnot(packageVersion("mgcv") == "1.8.41")
out_dir <- "tests/data"

write_and_read <- function(d, file) {
  write.csv(d, file.path(out_dir, file), row.names = FALSE, quote = FALSE)
  read.csv(file.path(out_dir, file))
}

## Data -------------------------------------------------------------------------------------------
set.seed(20250301)
n <- 50
small <- data.frame(x1 = round(runif(n), 6), x2 = round(runif(n), 6), z = rbinom(n, 1, 0.5),
                    t = rep(1:10, each = 5))
small$y <- round(sin(2 * pi * small$x1) + 0.5 * small$x2 + 0.3 * small$z + 0.05 * small$t +
                 rnorm(n, sd = 0.3), 6)
small <- write_and_read(small, "gam_small.csv")

set.seed(20250302)
n <- 3000
large <- data.frame(x = round(runif(n, -2, 2), 6), z = rbinom(n, 1, 0.4))
large$xr <- round(large$x, 1)  # 41 unique values: n > 2000 but no knot subsample
large$y <- round(100 + 3 * dnorm(large$x, sd = 0.7) + large$x^2 / 4 + large$z + rnorm(n, sd = 1), 6)
large <- write_and_read(large, "gam_large.csv")
stopifnot(length(unique(large$x)) > 2000)

distal <- read.csv(file.path(out_dir, "data_distal_continuous.csv"))
datasets <- list(gam_small.csv = small, gam_large.csv = large, data_distal_continuous.csv = distal)

## Bases: smoothCon as gam() calls it --------------------------------------------------------------
# exact = FALSE: the unique covariate values are equally spaced, so the thin plate eigenvectors are
# symmetric or antisymmetric and entries of T'U that are exactly 0 in exact arithmetic decide the signs
# of mgcv's Householder reflections through their rounding noise: the basis's span and penalty are
# mgcv's, its parameterisation (and with it S.scale) is not reproducible.
basis_case <- function(file, term, rows = NULL, exact = TRUE) {
  d <- datasets[[file]]
  spec <- eval(parse(text = term))
  raw <- smoothCon(spec, d, absorb.cons = FALSE, scale.penalty = TRUE)[[1]]
  con <- smoothCon(spec, d, absorb.cons = TRUE, scale.penalty = TRUE)[[1]]
  if (is.null(rows)) rows <- seq_len(nrow(d))
  list(data = file, term = term, rows = rows - 1L, exact = exact,
       X_raw = unname(raw$X[rows, , drop = FALSE]), S_raw = unname(raw$S[[1]]), S_scale = raw$S.scale,
       X = unname(con$X[rows, , drop = FALSE]), S = unname(con$S[[1]]),
       knots = if (inherits(raw, "cr.smooth")) raw$xp else as.vector(raw$Xu) + as.vector(raw$shift))
}
bases <- list(
  basis_case("gam_small.csv", 's(x1)'),
  basis_case("gam_small.csv", 's(x1, bs = "cr")'),
  basis_case("gam_small.csv", 's(t)'),          # exactly k unique values: no eigen step
  basis_case("gam_small.csv", 's(t, k = 5)', exact = FALSE),
  basis_case("gam_small.csv", 's(t, bs = "cr", k = 4)'),
  basis_case("gam_large.csv", 's(x)', rows = seq(1, 3000, by = 60)),  # 2000 subsampled knots
  basis_case("gam_large.csv", 's(xr)', rows = seq(1, 3000, by = 60), exact = FALSE)
)

## Fits ---------------------------------------------------------------------------------------------
new_data <- list(
  gam_small.csv = data.frame(x1 = seq(-0.1, 1.1, length.out = 13), x2 = seq(1.05, -0.05, length.out = 13),
                             z = rep(0:1, length.out = 13), t = seq(0.5, 10.5, length.out = 13)),
  gam_large.csv = data.frame(x = seq(-2.2, 2.2, length.out = 23), xr = round(seq(-2.2, 2.2, length.out = 23), 1),
                             z = rep(0:1, length.out = 23)),
  data_distal_continuous.csv = data.frame(X = seq(-4, 3, length.out = 15), Z = rep(0:1, length.out = 15)))

# exact = FALSE: a tp smooth of equally spaced values (see basis_case): its parameterisation, hence
# S.scale, mgcv's starting smoothing parameters and the path of its optimiser, rest on rounding noise.
fit_case <- function(name, file, formula, subset = NULL, exact = TRUE) {
  d <- datasets[[file]]
  rows <- if (is.null(subset)) seq_len(nrow(d)) else which(eval(parse(text = subset), d))
  f <- gam(as.formula(formula), data = d[rows, ])
  nd <- new_data[[file]]
  smooth_edf <- sapply(f$smooth, function(s) sum(f$edf[s$first.para:s$last.para]))
  s_scale <- sapply(f$smooth, function(s) s$S.scale)
  checked <- seq(1, length(rows), by = ceiling(length(rows) / 500))  # fitted values kept at <= 500 rows
  fit <- list(name = name, data = file, formula = formula, exact = exact,
       coefficients = unname(coef(f)), fitted_rows = checked - 1L, fitted = unname(fitted(f))[checked],
       sp = unname(f$sp), s_scale = unname(s_scale),
       smooth_edf = unname(smooth_edf), total_edf = sum(f$edf), gcv = f$gcv.ubre[[1]], scale = f$sig2,
       iterations = f$mgcv.conv$iter, score_calls = f$mgcv.conv$score.calls,
       rms_grad = f$mgcv.conv$rms.grad, new_data = as.list(nd), predictions = unname(predict(f, nd)))
  if (!is.null(subset)) fit$rows <- rows - 1L  # the fitting rows (0-based); all rows otherwise
  fit
}
fits <- list(
  fit_case("small_tp", "gam_small.csv", "y ~ s(x1)"),
  fit_case("small_cr", "gam_small.csv", 'y ~ s(x1, bs = "cr")'),
  fit_case("small_two_smooths", "gam_small.csv", 'y ~ s(x1) + s(x2, bs = "cr", k = 5) + z'),
  fit_case("small_integer_covariate", "gam_small.csv", "y ~ s(t, k = 5) + x1", exact = FALSE),
  fit_case("large_tp_subsampled_knots", "gam_large.csv", "y ~ s(x)"),
  fit_case("large_cr", "gam_large.csv", 'y ~ s(x, bs = "cr") + z'),
  fit_case("large_tp_tied", "gam_large.csv", "y ~ s(xr) + z", exact = FALSE),
  fit_case("distal_cr_treated", "data_distal_continuous.csv", 'Y ~ s(X, bs = "cr") + Z', subset = "A == 1"),
  fit_case("distal_tp", "data_distal_continuous.csv", "Y ~ s(X) + Z")
)

## R's sample() for the knot subsample -------------------------------------------------------------
set.seed(1)
r_sample <- list(population = 3000L, size = 2000L, seed = 1L, values = sample(1:3000, 2000))

writeLines(toJSON(list(mgcv_version = as.character(packageVersion("mgcv")), r_version = R.version.string,
                       r_sample = r_sample, bases = bases, fits = fits),
                  digits = I(12), auto_unbox = TRUE, matrix = "rowmajor"),
           file.path(out_dir, "gam_reference.json"))
