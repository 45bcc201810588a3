# Skips for tests that need the mrtsim executable, or a subcommand or option that older engines
# lack, and a comparison of summary tables with the stored reference tables.

skip_without_engine <- function() {
  skip_if_not(mrtsim_available(), "the mrtsim executable is not available (set MRTSIM_PATH)")
}

skip_without_feature <- function(subcommand, flag = NULL) {
  skip_without_engine()
  skip_if_not(mrtsim_supports(subcommand, flag),
              paste("this mrtsim has no", paste(c(subcommand, flag), collapse = " ")))
}

# Same row and column names, numbers equal to `tolerance` (relative; p-values that the reference
# package rounded to 0 compare absolutely).
expect_table_equal <- function(actual, expected, tolerance = 1e-6) {
  expect_identical(dimnames(actual), dimnames(expected))
  expect_equal(unname(as.matrix(actual)), unname(as.matrix(expected)), tolerance = tolerance)
}

# Runs `code` with the option mrtsim.path set to `path`.
with_engine <- function(path, code) {
  old <- options(mrtsim.path = path)
  on.exit(options(old))
  force(code)
}

# A stand-in engine: a shell script answering --version with `version`, `<subcommand> --help`
# with a usage line, and anything else with `stdout`, `stderr` and exit status `status`.
fake_engine <- function(version = "9.9.9", stdout = "", stderr = "", status = 0) {
  dir <- tempfile("fake-mrtsim-")
  dir.create(dir)
  path <- file.path(dir, "mrtsim")
  writeLines(c(
    "#!/bin/sh",
    sprintf("if [ \"$1\" = \"--version\" ]; then echo 'mrtsim %s'; exit 0; fi", version),
    "if [ \"$2\" = \"--help\" ]; then echo \"Usage: mrtsim $1 [OPTIONS]\"; echo '  --outcome TEXT'; exit 0; fi",
    sprintf("printf '%%s\\n' '%s'", stdout),
    sprintf("printf '%%s\\n' '%s' >&2", stderr),
    sprintf("exit %d", status)
  ), path)
  Sys.chmod(path, "755")
  path
}
