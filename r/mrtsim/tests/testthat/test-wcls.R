# wcls() + summary() against MRTAnalysis 0.3.1 (numbers stored in helper-reference.R).

heartsteps_wcls <- function(data = data_mimicHeartSteps, moderator_formula = ~1,
                            control_formula = ~logstep_pre30min, rand_prob = 0.6, numerator_prob = 0.6) {
  wcls(data = data, id = "userid", outcome = "logstep_30min", treatment = "intervention",
       rand_prob = rand_prob, moderator_formula = moderator_formula, control_formula = control_formula,
       availability = "avail", numerator_prob = numerator_prob)
}

expect_wcls_reference <- function(fit, expected) {
  s <- suppressMessages(summary(fit, show_control_fit = TRUE))
  expect_table_equal(s$causal_excursion_effect, expected$effect)
  expect_table_equal(s$control_variables, expected$control)
  if (!is.null(fit$variance)) expect_equal(unname(vcov(fit)), expected$variance, tolerance = 1e-6)
}

test_that("the package's example: marginal effect, small-sample correction (Hotelling)", {
  skip_without_feature("wcls")
  fit <- heartsteps_wcls()
  expect_wcls_reference(fit, reference$wcls$marginal)
  expect_identical(summary(fit)$call, quote(wcls(data = data, id = "userid", outcome = "logstep_30min",
    treatment = "intervention", rand_prob = rand_prob, moderator_formula = moderator_formula,
    control_formula = control_formula, availability = "avail", numerator_prob = numerator_prob)))
  expect_named(summary(fit), c("call", "causal_excursion_effect"))
  expect_equal(coef(fit), c(`(Intercept)` = 0.1574444084), tolerance = 1e-8)
})

test_that("an effect moderated by a control", {
  skip_without_feature("wcls")
  expect_wcls_reference(heartsteps_wcls(moderator_formula = ~logstep_pre30min,
                                        control_formula = ~logstep_pre30min),
                        reference$wcls$moderated)
})

test_that("factors, I() terms, a rand_prob column and the default numerator probability", {
  skip_without_feature("wcls")
  fit <- heartsteps_wcls(moderator_formula = ~ factor(is_at_home_or_work),
                         control_formula = ~ logstep_pre30min + I(logstep_pre30min^2) + factor(is_at_home_or_work),
                         rand_prob = "rand_prob", numerator_prob = NULL)
  expect_wcls_reference(fit, reference$wcls$factor_moderator)
})

test_that("more than 50 subjects: no correction, the statistic labelled Wald", {
  skip_without_feature("wcls")
  stacked <- rbind(data_mimicHeartSteps, transform(data_mimicHeartSteps, userid = userid + 1000))
  expect_wcls_reference(heartsteps_wcls(stacked), reference$wcls$large_n)
})

test_that("conf_level and lincomb give t intervals from the estimates and their variance", {
  skip_without_feature("wcls")
  fit <- heartsteps_wcls(moderator_formula = ~logstep_pre30min, control_formula = ~logstep_pre30min)
  skip_if(is.null(fit$variance), "this mrtsim does not report the variance in wcls's JSON")
  expected <- reference$wcls$moderated
  s <- summary(fit, lincomb = rbind(c(1, 1), c(0, -2)), conf_level = 0.9)$causal_excursion_effect
  L <- rbind(c(1, 1), c(0, -2))
  estimate <- drop(L %*% expected$effect[, "Estimate"])
  se <- sqrt(diag(L %*% expected$variance %*% t(L)))
  crit <- qt(0.95, 33)
  expect_identical(rownames(s), c("(Intercept)", "logstep_pre30min", "(Intercept) + logstep_pre30min",
                                  "- 2*logstep_pre30min"))
  expect_identical(colnames(s)[2:3], c("90% LCL", "90% UCL"))
  expect_equal(unname(s[3:4, "Estimate"]), estimate, tolerance = 1e-6)
  expect_equal(unname(s[3:4, "StdErr"]), se, tolerance = 1e-6)
  expect_equal(unname(s[3:4, "90% LCL"]), estimate - crit * se, tolerance = 1e-6)
  expect_equal(unname(s[1:2, "90% UCL"]), unname(expected$effect[, "Estimate"] + crit * expected$effect[, "StdErr"]),
               tolerance = 1e-6)
  expect_equal(unname(s[3:4, "p-value"]), 2 * pt(-abs(estimate / se), 33), tolerance = 1e-6)
  expect_error(summary(fit, lincomb = c(1, 1, 1)), "vector of length 2")
})

test_that("data errors come from the engine, naming the column and row", {
  skip_without_feature("wcls")
  data <- data_mimicHeartSteps
  data$logstep_pre30min[5] <- NA
  data$avail[5] <- 1
  expect_error(heartsteps_wcls(data), "column 'logstep_pre30min', data row 5", class = "mrtsim_engine_error")
  expect_error(heartsteps_wcls(rand_prob = 1.5), "1.5 must lie strictly between 0 and 1",
               class = "mrtsim_engine_error")
})
