# emee(), emee2() + summary() against MRTAnalysis 0.3.1 (numbers stored in helper-reference.R).

binary_fit <- function(fun, moderator_formula) {
  fun(data = data_binary, id = "userid", outcome = "Y", treatment = "A", rand_prob = "rand_prob",
      moderator_formula = moderator_formula, control_formula = ~ time_var1 + time_var2,
      availability = "avail")
}

expect_emee_reference <- function(fit, expected) {
  s <- suppressMessages(summary(fit, show_control_fit = TRUE))
  expect_table_equal(s$causal_excursion_effect, expected$effect)
  expect_table_equal(s$control_variables, expected$control)
  if (!is.null(fit$variance)) expect_equal(unname(vcov(fit)), expected$variance, tolerance = 1e-6)
}

test_that("emee() on the package's example, marginal and moderated", {
  skip_without_feature("emee")
  expect_emee_reference(binary_fit(emee, ~1), reference$emee$emee_marginal)
  expect_emee_reference(binary_fit(emee, ~time_var1), reference$emee$emee_moderated)
})

test_that("emee2() on the package's example, marginal and moderated", {
  skip_without_feature("emee")
  expect_emee_reference(binary_fit(emee2, ~1), reference$emee$emee2_marginal)
  expect_emee_reference(binary_fit(emee2, ~time_var1), reference$emee$emee2_moderated)
})

test_that("summary() of emee honours conf_level as MRTAnalysis does", {
  skip_without_feature("emee")
  expected <- reference$emee$emee_moderated$effect
  s <- summary(binary_fit(emee, ~time_var1), conf_level = 0.8)$causal_excursion_effect
  crit <- qt(0.9, expected[1, "df"])
  expect_equal(unname(s[, "80% LCL"]), unname(expected[, "Estimate"] - crit * expected[, "StdErr"]),
               tolerance = 1e-6)
})

test_that("an outcome that is not 0/1 is an engine error", {
  skip_without_feature("emee")
  data <- data_binary
  data$Y[3] <- 2
  expect_error(emee(data = data, id = "userid", outcome = "Y", treatment = "A", rand_prob = "rand_prob",
                    moderator_formula = ~1, control_formula = ~1, availability = "avail"),
               class = "mrtsim_engine_error")
})
