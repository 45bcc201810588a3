# mrt_permute(): the observed analysis is wcls()'s, and reshuffles depend only on the seed.

permute_heartsteps <- function(...) {
  mrt_permute(data = data_mimicHeartSteps, id = "userid", outcome = "logstep_30min",
              treatment = "intervention", rand_prob = 0.6, moderator_formula = ~logstep_pre30min,
              control_formula = ~logstep_pre30min, availability = "avail", numerator_prob = 0.6,
              reshuffles = 99, ...)
}

test_that("the observed analysis is MRTAnalysis's and the permutation p-values are valid", {
  skip_without_feature("permute")
  result <- permute_heartsteps(seed = 11, threads = 1)
  expect_s3_class(result, "mrtsim_permutation")
  expected <- reference$wcls$moderated$effect
  expect_table_equal(summary(result$observed)$causal_excursion_effect, expected)
  expect_identical(result$effect$term, rownames(expected))
  expect_equal(result$effect$p_value, unname(expected[, "p-value"]), tolerance = 1e-6)
  expect_true(all(result$effect$p_value_permutation >= 1 / 100 & result$effect$p_value_permutation <= 1))
  expect_identical(result$completed_reshuffles + result$failed_reshuffles, 99L)
  expect_output(print(result), "Permutation check \\(permute, seed 11\\)")
})

test_that("results depend on the seed only, not on threads; set.seed() fixes the default seed", {
  skip_without_feature("permute")
  expect_identical(permute_heartsteps(seed = 5, threads = 1)$effect,
                   permute_heartsteps(seed = 5, threads = 2)$effect)
  set.seed(3)
  first <- permute_heartsteps(scheme = "rerandomize", threads = 1)
  set.seed(3)
  expect_identical(permute_heartsteps(scheme = "rerandomize", threads = 1)$effect, first$effect)
})

test_that("the backend does not change the result, and an unknown one is an R error", {
  skip_without_feature("permute", "--backend")
  expect_identical(permute_heartsteps(seed = 6, threads = 1, backend = "cpu")$effect,
                   permute_heartsteps(seed = 6, threads = 1)$effect)
  expect_error(permute_heartsteps(seed = 6, backend = "tpu"), "should be one of")
})
