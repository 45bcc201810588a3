# dcee() + summary() against MRTAnalysis 0.3.1 (numbers stored in helper-reference.R).

distal <- data_distal_continuous
distal$at_dp10 <- as.numeric(distal$dp == 10)

distal_fit <- function(moderator_formula, method = "lm", weighting_function = NULL, ...) {
  dcee(data = distal, id = "userid", outcome = "Y", treatment = "A", rand_prob = "prob_A",
       moderator_formula = moderator_formula, control_formula = ~ X + Z, availability = "avail",
       control_reg_method = method, weighting_function = weighting_function, ...)
}

expect_dcee_reference <- function(fit, expected) {
  s <- summary(fit, lincomb = if (nrow(fit$effect) == 2) c(1, 1))
  expect_s3_class(s, "summary.mrtsim_dcee")
  expect_identical(s$df, expected$df)
  expect_table_equal(s$excursion_effect, expected$effect)
  if (!is.null(expected$lincomb)) expect_table_equal(s$lincomb, expected$lincomb)
}

test_that("lm nuisance models, marginal and moderated", {
  skip_without_feature("dcee")
  expect_dcee_reference(distal_fit(~1), reference$dcee$lm_marginal)
  expect_dcee_reference(distal_fit(~Z), reference$dcee$lm_moderated)
})

test_that("no nuisance model (set_to_zero)", {
  skip_without_feature("dcee")
  expect_dcee_reference(distal_fit(~Z, "set_to_zero"), reference$dcee$zero_moderated)
})

test_that("weighting_function as a column and as a number", {
  skip_without_feature("dcee")
  expect_dcee_reference(distal_fit(~1, weighting_function = "at_dp10"), reference$dcee$lm_weight_column)
  expect_dcee_reference(distal_fit(~Z, weighting_function = 3), reference$dcee$lm_weight_number)
})

test_that("the summary prints as MRTAnalysis's does", {
  skip_without_feature("dcee")
  printed <- capture.output(print(summary(distal_fit(~Z))))
  expect_true("Inference: small-sample t; df = 48" %in% printed)
  expect_true("Confidence level: 95%" %in% printed)
  expect_match(printed, "^Intercept -0.096824 -1.452824  1.259175   0.674414 -0.143568 48         0.8864$",
               all = FALSE)
})

test_that("cross-fitting is reproducible with set.seed()", {
  skip_without_feature("dcee")
  set.seed(7)
  first <- coef(distal_fit(~1, cross_fit = TRUE, cf_fold = 5))
  set.seed(7)
  expect_identical(coef(distal_fit(~1, cross_fit = TRUE, cf_fold = 5)), first)
})

test_that("learners the engine lacks and learner options are clear errors", {
  skip_without_feature("dcee")
  expect_error(distal_fit(~1, "ranger"), "ranger", class = "mrtsim_engine_error")
  expect_error(distal_fit(~1, num.trees = 10), "no learner options")
})
