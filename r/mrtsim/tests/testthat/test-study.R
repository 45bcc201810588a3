# run_study() and read_study() on a small study shipped with the package.

small_study <- system.file("studies", "small_liao.yaml", package = "mrtsim")

# The same study as an R list (one-element sequences would need list() or I()).
small_study_list <- list(
  study = list(name = "small_liao", seed = 2016, replicates = 200),
  model = list(type = "liao2016", days = 42, decisions_per_day = 5, rand_prob = 0.4,
               availability = list(shape = "constant", mean = 0.5), baseline = c(2.5, 0.727, -8.66e-4),
               effect = list(shape = "quadratic", mean = 0.1, initial = 0.0, day_max = 29),
               error = list(type = "normal")),
  sample_size = "formula",
  hypotheses = c("null", "alternative"),
  analysis = list(estimator = "wcls", controls = c("day", "day^2"), moderators = c("day", "day^2"),
                  numerator_prob = "rand_prob", small_sample_correction = "always", test = "hotelling",
                  alpha = 0.05),
  output = list(formats = c("csv", "json"), target_power = 0.8)
)

test_that("a study file runs and its tables come back as data.frames", {
  skip_without_feature("run")
  out <- tempfile()
  result <- run_study(small_study, replicates = 20, out = out, threads = 1, backend = "cpu", progress = FALSE)
  expect_s3_class(result, "mrtsim_study")
  expect_identical(result$dir, normalizePath(out))
  expect_identical(result$rejection$hypothesis, c("null", "alternative"))
  expect_identical(result$rejection$replicates, c(20L, 20L))
  expect_true(all(result$rejection$formula_power > 0.5))
  expect_true(all(c("coefficient", "truth", "bias", "bias_mc_se", "coverage", "coverage_mc_se") %in% names(result$coefficients)))
  expect_identical(read_study(out)$rejection, result$rejection)
  expect_output(print(result), "Simulation study 'small_liao'")
})

test_that("a list gives the same tables as the YAML file; progress can be shown", {
  skip_without_feature("run")
  from_file <- run_study(small_study, replicates = 10, threads = 1, backend = "cpu", progress = FALSE)
  progress <- capture.output(
    from_list <- run_study(small_study_list, replicates = 10, threads = 1, backend = "cpu", progress = TRUE),
    type = "message"
  )
  expect_identical(from_list$rejection, from_file$rejection)
  expect_identical(from_list$coefficients, from_file$coefficients)
  if (mrtsim_supports("run", "--progress")) expect_match(progress, "work units", all = FALSE)
})

test_that("study errors are the engine's, naming the key", {
  skip_without_feature("run")
  bad <- small_study_list
  bad$analysis$controls <- "day"
  expect_error(run_study(bad, replicates = 2, threads = 1, progress = FALSE),
               "analysis.controls", class = "mrtsim_engine_error")
  bad$analysis$controls <- I("day")
  expect_s3_class(run_study(bad, replicates = 2, threads = 1, progress = FALSE), "mrtsim_study")
})

test_that("read_study() says when a folder holds no finished study", {
  expect_error(read_study(tempdir()), "no finished study")
})
