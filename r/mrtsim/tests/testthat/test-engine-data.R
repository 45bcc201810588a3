# The CSV file and options a data.frame and MRTAnalysis-style arguments become (no engine needed).

read_engine_csv <- function(input) utils::read.csv(input$file, check.names = FALSE)
option <- function(input, name) input$args[match(name, input$args) + 1]

test_that("columns keep their names and formulas are expanded with model.matrix", {
  data <- data.frame(id = c("a", "a", "b"), y = c(1.5, 2, 3), a = c(0, 1, 1), x = c(0.1, 0.2, 0.3),
                     g = factor(c("u", "v", "v")), p = 0.4)
  input <- mrtsim:::engine_data(data, "id", "y", "a", "p", moderator_formula = ~g,
                                control_formula = ~ x + I(x^2) + g, numerator_prob = 0.5)
  on.exit(unlink(input$file))
  csv <- read_engine_csv(input)
  expect_identical(names(csv), c("id", "y", "a", "p", "x", "I(x^2)", "gv"))
  expect_equal(csv[["I(x^2)"]], data$x^2)
  expect_equal(csv$gv, c(0, 1, 1))
  expect_identical(option(input, "--controls"), "x,I(x^2),gv")
  expect_identical(option(input, "--moderators"), "gv")
  expect_identical(option(input, "--rand-prob"), "p")
  expect_identical(option(input, "--numerator-prob"), "0.5")
  expect_true(is.na(option(input, "--availability")))
})

test_that("names the command line cannot carry are replaced and mapped back", {
  data <- data.frame(id = 1:2, y = 1:2, a = 0:1, x = c(1, 4))
  input <- mrtsim:::engine_data(data, "id", "y", "a", 0.5, control_formula = ~ poly(x, 1, raw = TRUE))
  on.exit(unlink(input$file))
  replaced <- option(input, "--controls")
  expect_match(replaced, "^\\.mrtsim_[0-9]+$")
  expect_identical(unname(mrtsim:::r_terms(c("(Intercept)", replaced), input$terms)),
                   c("(Intercept)", "poly(x, 1, raw = TRUE)"))
})

test_that("numbers are written so that they read back exactly, and NA stays NA", {
  data <- data.frame(id = 1:3, y = c(0.1 + 0.2, NA, 1e-300), a = c(0, 1, 0))
  input <- mrtsim:::engine_data(data, "id", "y", "a", 1 / 3)
  on.exit(unlink(input$file))
  expect_identical(read_engine_csv(input)$y, data$y)
  expect_identical(as.numeric(option(input, "--rand-prob")), 1 / 3)
  expect_identical(mrtsim:::cli_number(c(0.6, 42, -0.01)), c("0.6", "42", "-0.01"))
})

test_that("bad column arguments are R errors naming the argument", {
  data <- data.frame(id = 1:2, y = 1:2, a = 0:1)
  expect_error(mrtsim:::engine_data(data, "id", "outcome", "a", 0.5), "`outcome`: `data` has no column 'outcome'")
  expect_error(mrtsim:::engine_data(data, "id", "y", "a", TRUE), "`rand_prob` must be one number")
  expect_error(mrtsim:::engine_data(data, "id", "y", "a", 0.5, control_formula = y ~ a),
               "`control_formula` must be a one-sided formula")
  expect_error(mrtsim:::engine_data(data, "id", "y", "a", 0.5, moderator_formula = ~ z),
               "`moderator_formula`: `data` has no column 'z'")
  expect_error(mrtsim:::engine_data(data, "id", "y", "a", 0.5, control_formula = ~ 0 + a),
               "always includes an intercept")
  expect_error(mrtsim:::engine_data(list(), "id", "y", "a", 0.5), "`data` must be a data.frame")
})
