# Simulation studies: `mrtsim run` on a YAML study file, R list or YAML text, and its tables read
# back as data.frames.

#' Run a simulation study
#'
#' Runs a simulation study with `mrtsim run` and returns its tables. A study
#' describes a generative model of micro-randomized trials, a grid of scenarios,
#' the hypotheses, the analysis fitted to every simulated trial and the outputs;
#' see the study files and their documentation (`configs/README.md`) in the
#' mrtsim sources. The output folder doubles as a checkpoint: running the same
#' study into the same folder again resumes an interrupted run.
#'
#' A study given as an R list is written out as JSON, which the engine reads as
#' YAML. A sequence with a single element must stay a list in R (`list("day")`
#' or `I("day")`), or it becomes a scalar.
#'
#' @param study The path of a YAML study file, YAML text, or the study as a
#'   list (e.g. from `yaml::read_yaml()`, modified).
#' @param replicates The number of replicates per cell (default: the study's).
#' @param out The output folder (default: a new temporary folder).
#' @param threads The number of CPU threads (default: all cores).
#' @param backend `"auto"` (a GPU when there is one), `"cpu"` or `"cuda"`.
#' @param seed The study seed (default: the study's).
#' @param restart Whether to discard a checkpoint in `out` and start over.
#' @param progress Whether to show the engine's progress while it runs.
#' @return An object of class `mrtsim_study`, see [read_study()].
#' @examples
#' if (mrtsim_available()) {
#'   study <- list(
#'     study = list(name = "example", seed = 1, replicates = 100),
#'     model = list(type = "liao2016", days = 42, decisions_per_day = 5,
#'                  rand_prob = 0.4,
#'                  availability = list(shape = "constant", mean = 0.5),
#'                  baseline = c(2.5, 0.727, -8.66e-4),
#'                  effect = list(shape = "constant", mean = 0.1),
#'                  error = list(type = "normal")),
#'     sample_size = 42,
#'     hypotheses = c("null", "alternative"),
#'     analysis = list(estimator = "wcls", controls = c("day", "day^2"),
#'                     moderators = list(), numerator_prob = "rand_prob",
#'                     small_sample_correction = "always", test = "hotelling",
#'                     alpha = 0.05)
#'   )
#'   result <- run_study(study, threads = 1, progress = FALSE)
#'   result$rejection
#' }
#' @export
run_study <- function(study, replicates = NULL, out = NULL, threads = NULL,
                      backend = c("auto", "cpu", "cuda"), seed = NULL, restart = FALSE, progress = TRUE) {
  backend <- match.arg(backend)
  engine <- engine_for("run_study()", "run")
  file <- study_file(study)
  if (!identical(file, study)) on.exit(unlink(file))
  if (is.null(out)) out <- tempfile("mrtsim-study-")
  args <- c("run", file, "--out", out, "--backend", backend, "--format", "json",
            if (!is.null(replicates)) c("--replicates", format(replicates, scientific = FALSE)),
            if (!is.null(threads)) c("--threads", format(threads, scientific = FALSE)),
            if (!is.null(seed)) c("--seed", format(seed, scientific = FALSE)),
            if (restart) "--restart")
  show <- progress && engine_supports("run", "--progress", engine)
  run_with_progress(engine, c(args, if (show) "--progress"), show)
  read_study(out)
}

# The study as a file the engine can read: an existing path as it is, YAML text or a list (as
# JSON, a subset of YAML) written to a temporary file.
study_file <- function(study) {
  if (is.character(study) && length(study) == 1 && !grepl("\n", study, fixed = TRUE)) {
    if (!file.exists(study)) stop("study file '", study, "' does not exist.", call. = FALSE)
    return(study)
  }
  text <- if (is.list(study)) {
    jsonlite::toJSON(study, auto_unbox = TRUE, pretty = TRUE, digits = NA, null = "null")
  } else if (is.character(study)) {
    study
  } else {
    stop("`study` must be a YAML file, YAML text or a list.", call. = FALSE)
  }
  file <- tempfile("mrtsim-study-", fileext = ".yaml")
  writeLines(text, file)
  file
}

# Runs the engine and returns its stdout like mrtsim_run(); with `show`, the engine runs in the
# background (on Unix-alikes) while its progress line, read from its stderr, is echoed.
run_with_progress <- function(engine, args, show) {
  if (!show || .Platform$OS.type != "unix") return(mrtsim_run(engine, args, quiet = !show))
  dir <- tempfile("mrtsim-run-")
  dir.create(dir)
  on.exit(unlink(dir, recursive = TRUE), add = TRUE)
  paths <- lapply(c(out = "stdout", err = "stderr", pid = "pid", status = "status"),
                  function(name) file.path(dir, name))
  script <- sprintf("%s %s >%s 2>%s & echo $! >%s; wait $!; echo $? >%s.tmp; mv %s.tmp %s",
                    shQuote(engine), paste(shQuote(args), collapse = " "), shQuote(paths$out),
                    shQuote(paths$err), shQuote(paths$pid), shQuote(paths$status),
                    shQuote(paths$status), shQuote(paths$status))
  system2("sh", c("-c", shQuote(script)), wait = FALSE)
  finished <- FALSE
  on.exit(if (!finished) stop_background(paths$pid), add = TRUE, after = FALSE)
  shown <- ""
  repeat {
    finished <- file.exists(paths$status)
    shown <- show_progress(read_text(paths$err), shown)
    if (finished) break
    Sys.sleep(0.25)
  }
  if (nzchar(shown)) cat("\n", file = stderr())
  result <- list(status = as.integer(readLines(paths$status)), stdout = read_text(paths$out),
                 stderr = without_progress(read_text(paths$err)))
  if (result$status != 0) stop(engine_failure(result))
  relay_stderr(result$stderr)
  result$stdout
}

is_progress <- function(lines) grepl("work units", lines, fixed = TRUE)

without_progress <- function(stderr) {
  lines <- strsplit(stderr, "[\r\n]")[[1]]
  paste(lines[!is_progress(lines) & nzchar(trimws(lines))], collapse = "\n")
}

# Echoes the last progress line of the engine's stderr when it changed; returns it.
show_progress <- function(stderr, shown) {
  lines <- strsplit(stderr, "[\r\n]")[[1]]
  lines <- trimws(lines[is_progress(lines)])
  if (!length(lines) || identical(lines[length(lines)], shown)) return(shown)
  line <- lines[length(lines)]
  cat("\r", line, strrep(" ", max(0, nchar(shown) - nchar(line))), sep = "", file = stderr())
  line
}

stop_background <- function(pid_file) {
  if (!file.exists(pid_file)) return(invisible())
  pid <- suppressWarnings(as.integer(readLines(pid_file, warn = FALSE)))
  if (length(pid) == 1 && !is.na(pid)) tools::pskill(pid)
}

#' Read the tables of a finished simulation study
#'
#' Reads the tables `mrtsim run` (or `mrtsim merge`) wrote into a run folder.
#'
#' @param dir The run folder (the `--out` of `mrtsim run`).
#' @return An object of class `mrtsim_study`: a list with `rejection` (per cell
#'   of scenario x hypothesis: the number of replicates, fitted and failed fits,
#'   rejections, the rejection rate with its Monte Carlo SE, the nominal rate,
#'   and the formula's power where the study has one), `coefficients` (per cell
#'   and coefficient: the true value, the performance measures of Morris et al.
#'   (2019) with their Monte Carlo SEs: mean estimate, bias, relative bias,
#'   empirical SE, MSE, RMSE, model SE (root mean square of the SEs), relative
#'   error in model SE, coverage and bias-eliminated coverage), further tables
#'   of the folder by file name, and `dir`.
#' @examples
#' if (mrtsim_available()) {
#'   result <- run_study(
#'     system.file("studies", "small_liao.yaml", package = "mrtsim"),
#'     replicates = 50, threads = 1, progress = FALSE
#'   )
#'   again <- read_study(result$dir)
#'   again$coefficients[, c("hypothesis", "coefficient", "truth", "bias")]
#' }
#' @export
read_study <- function(dir) {
  files <- list.files(dir, pattern = "\\.csv$", full.names = TRUE)
  if (!file.exists(file.path(dir, "rejection.csv"))) {
    stop("'", dir, "' holds no finished study (no rejection.csv).", call. = FALSE)
  }
  tables <- lapply(files, utils::read.csv, check.names = FALSE, stringsAsFactors = FALSE,
                   na.strings = c("", "NA"))
  names(tables) <- sub("\\.csv$", "", basename(files))
  first <- c("rejection", "coefficients")
  tables <- tables[c(intersect(first, names(tables)), setdiff(names(tables), first))]
  structure(c(tables, list(dir = normalizePath(dir))), class = "mrtsim_study")
}

#' @export
print.mrtsim_study <- function(x, ...) {
  rejection <- x$rejection
  cat("Simulation study '", rejection$study[1], "' (seed ", rejection$seed[1], ", mrtsim ",
      rejection$engine_version[1], ", ", rejection$backend[1], ") in ", x$dir, "\n\n", sep = "")
  columns <- intersect(c("scenario", "hypothesis", "n_subjects", "replicates", "failed", "rejection_rate",
                         "mc_se", "nominal", "formula_power", "flag"), names(rejection))
  grid <- setdiff(names(rejection)[seq_len(match("hypothesis", names(rejection)) - 1)],
                  c("study", "seed", "engine_version", "backend", "scenario"))
  table <- rejection[c("scenario", grid, setdiff(columns, "scenario"))]
  table <- table[, vapply(table, function(column) !all(is.na(column)), TRUE), drop = FALSE]
  if (!is.null(table$flag)) table$flag[is.na(table$flag)] <- ""
  print(table, row.names = FALSE, ...)
  cat("\nTables:", paste(setdiff(names(x), "dir"), collapse = ", "), "\n")
  invisible(x)
}
