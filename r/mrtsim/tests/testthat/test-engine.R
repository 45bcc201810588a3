# Finding the executable, refusing old or missing ones, and passing the engine's messages through.
# These tests use stand-in shell scripts, so they run without mrtsim (not on Windows).

liao_design <- list(days = 42, occ_per_day = 5, prob = 0.4, beta_shape = "constant", beta_mean = 0.1,
                    tau_shape = "constant", tau_mean = 0.5)

test_that("the option, then MRTSIM_PATH, name the executable or its folder", {
  skip_on_os("windows")
  engine <- fake_engine()
  with_engine(engine, expect_identical(mrtsim_path(), normalizePath(engine)))
  with_engine(dirname(engine), expect_identical(mrtsim_path(), normalizePath(engine)))
  old <- Sys.getenv("MRTSIM_PATH")
  on.exit(Sys.setenv(MRTSIM_PATH = old))
  Sys.setenv(MRTSIM_PATH = engine)
  with_engine(NULL, expect_identical(mrtsim_path(), normalizePath(engine)))
  with_engine(engine, expect_identical(mrtsim_version(), package_version("9.9.9")))
})

test_that("a missing executable is a clear error", {
  with_engine(file.path(tempdir(), "no-such-mrtsim"), {
    expect_error(mrtsim_path(), "does not exist", class = "mrtsim_not_found")
    expect_false(mrtsim_available())
  })
  old <- Sys.getenv(c("MRTSIM_PATH", "PATH"))
  on.exit(do.call(Sys.setenv, as.list(old)))
  Sys.setenv(MRTSIM_PATH = "", PATH = file.path(tempdir(), "empty"))
  with_engine(NULL, expect_error(mrtsim_path(), "not found.*MRTSIM_PATH", class = "mrtsim_not_found"))
})

test_that("an engine older than the package needs is refused", {
  skip_on_os("windows")
  with_engine(fake_engine(version = "0.0.9"), {
    expect_false(mrtsim_available())
    expect_error(do.call(mrt_samplesize, liao_design), "mrtsim 0.0.9 .* is too old", class = "mrtsim_too_old")
  })
})

test_that("an engine without a subcommand or option is named as too old", {
  skip_on_os("windows")
  old_engine <- fake_engine()
  writeLines(c("#!/bin/sh", "echo 'mrtsim 0.1.0'; echo 'Usage: mrtsim [OPTIONS] SUBCOMMAND'"), old_engine)
  with_engine(old_engine, {
    expect_error(mrt_binary_ss(0.8, matrix(1), matrix(1), 0.1, -1, 0.4, 0.05, 0.2),
                 "mrt_binary_ss\\(\\) needs 'mrtsim samplesize --outcome'", class = "mrtsim_too_old")
  })
})

test_that("the engine's error message becomes the R error, verbatim", {
  skip_on_os("windows")
  message <- "mrtsim: error: --avail-mean: expected availability must lie in (0, 1], got 1.5"
  with_engine(fake_engine(stderr = message, status = 2), {
    expect_error(do.call(mrt_samplesize, liao_design), message, fixed = TRUE, class = "mrtsim_engine_error")
  })
})

test_that("the engine's warnings become R warnings", {
  skip_on_os("windows")
  engine <- fake_engine(stdout = '{"n": 12, "n_exact": 11.5, "power": 0.81}',
                        stderr = "mrtsim: warning: p_t * f_t is not in the linear span of g_t")
  with_engine(engine, {
    expect_warning(n <- mrt_binary_ss(rep(0.8, 3), diag(3), diag(3), c(0.1, 0.1, 0.1), c(-1, -1, -1),
                                      rep(0.4, 3), 0.05, 0.2),
                   "not in the linear span", fixed = TRUE)
    expect_equal(n, 12)
  })
})
