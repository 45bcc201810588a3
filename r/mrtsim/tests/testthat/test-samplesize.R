# mrt_samplesize() / mrt_power() against MRTSampleSize 0.3.0 and mrt_binary_ss() /
# mrt_binary_power() against MRTSampleSizeBinary 0.1.2 (numbers stored in helper-reference.R).

test_that("the Liao formula gives MRTSampleSize's sample sizes and powers", {
  skip_without_feature("samplesize")
  for (case in reference$liao) {
    expect_identical(do.call(mrt_samplesize, c(case$design, list(power = 0.8, sigLev = 0.05))), case$n)
    power <- do.call(mrt_power, c(case$design, list(sample_size = case$sample_size, sigLev = 0.05)))
    expect_equal(power, case$power, tolerance = 1e-6)
    one <- do.call(mrt_power, c(case$design, list(sample_size = case$sample_size[2], sigLev = 0.05)))
    expect_equal(one, case$power[2], tolerance = 1e-6)
  }
})

test_that("MRTSampleSize's positional order of arguments works", {
  skip_without_feature("samplesize")
  n <- mrt_samplesize(42, 5, 0.4, "quadratic", 0.1, 0, 29, "constant", 0.7, 0.7, 1, 3, 0.8, 0.05)
  expect_identical(n, reference$liao[[1]]$n)
})

# The Liao formula written out in base R (Liao et al. 2016, Section 4), with the availability thinned
# by (1 - r)^day: an independent value for the engine's --dropout-per-day.
liao_power_in_r <- function(n, days, per_day, rho, tau, effect_per_day, dropout, q = 3, alpha = 0.05) {
  k <- rep(0:(days - 1), each = per_day)
  available <- tau * (1 - dropout)^k
  z <- cbind(1, k, k^2)
  d <- qr.solve(sqrt(available) * z, sqrt(available) * effect_per_day[k + 1])
  m <- crossprod(z, available * rho * (1 - rho) * z)
  df2 <- n - ncol(z) - q
  1 - pf(qf(1 - alpha, ncol(z), df2), ncol(z), df2, ncp = n * drop(t(d) %*% m %*% d))
}

test_that("dropout thins the availability as the formula in base R says", {
  skip_without_feature("power", "--dropout-per-day")
  days <- 0:41
  bowl <- (days - 28)^2 - 28^2  # quadratic, 0 on day 1, largest on day 29
  effect <- 0.1 * bowl / mean(bowl)
  args <- list(days = 42, occ_per_day = 5, prob = 0.4, beta_shape = "quadratic", beta_mean = 0.1,
               beta_initial = 0, beta_quadratic_max = 29, tau_shape = "constant", tau_mean = 0.5)
  for (dropout in c(0, 0.01, 0.02)) {
    power <- do.call(mrt_power, c(args, list(sample_size = c(42, 60), dropout_per_day = dropout)))
    expect_equal(power, sapply(c(42, 60), liao_power_in_r, days = 42, per_day = 5, rho = 0.4, tau = 0.5,
                               effect_per_day = effect, dropout = dropout), tolerance = 1e-6)
  }
  expect_identical(do.call(mrt_samplesize, args), 42L)
  expect_identical(do.call(mrt_samplesize, c(args, list(dropout_per_day = 0.01))), 53L)
})

test_that("design errors are the engine's", {
  skip_without_feature("samplesize")
  expect_error(mrt_samplesize(days = 42, occ_per_day = 5, prob = 1.4, beta_shape = "constant",
                              beta_mean = 0.1, tau_shape = "constant", tau_mean = 0.5),
               "rand", class = "mrtsim_engine_error")
})

test_that("the Cohn formula gives MRTSampleSizeBinary's sample sizes and powers", {
  skip_without_feature("samplesize", "--outcome")
  skip_without_feature("power", "--outcome")
  for (case in reference$binary) {
    expect_equal(do.call(mrt_binary_ss, c(case$design, list(b = 0.2))), case$n)
    expect_equal(do.call(mrt_binary_ss, c(case$design, list(b = 0.2, exact = TRUE))), case$n_exact,
                 tolerance = 1e-6)
    expect_equal(do.call(mrt_binary_power, c(case$design, list(n = 100))), case$power, tolerance = 1e-6)
  }
})

test_that("binary designs need matrices, as in MRTSampleSizeBinary", {
  expect_error(mrtsim:::binary_design(rep(0.8, 2), 1:2, cbind(1, 1:2), 0.1, c(-1, 0), rep(0.4, 2), 0.05),
               "f_t and g_t should be matrices")
})
