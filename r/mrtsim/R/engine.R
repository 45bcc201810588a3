# Finding and running the mrtsim executable. The user-facing functions ask engine_for() for a
# checked engine and run it with mrtsim_run() (or mrtsim_json()), which returns the engine's
# stdout or signals an R error carrying the engine's own message.

# The oldest engine whose command line and JSON this package is written against.
min_engine_version <- "0.1.0"

# Version and --help texts of engines already asked, so that a session asks each engine once;
# keyed by path and modification time, so a rebuilt engine is asked again.
engine_cache <- new.env(parent = emptyenv())

cache_key <- function(path, what) paste(path, format(file.mtime(path), "%Y-%m-%d %H:%M:%OS6"), what)

#' Where the mrtsim executable is
#'
#' The package runs the `mrtsim` executable as a separate process. It is looked
#' up, in this order, in the option `mrtsim.path`, the environment variable
#' `MRTSIM_PATH` and the `PATH`. Either variable may name the executable or the
#' folder that holds it.
#'
#' @return `mrtsim_path()`: the path of the executable; an error when there is
#'   none. `mrtsim_available()`: `TRUE` when an executable recent enough for
#'   this package is found. `mrtsim_version()`: its version, as a
#'   [package_version()].
#' @examples
#' if (mrtsim_available()) {
#'   mrtsim_path()
#'   mrtsim_version()
#' }
#' @export
mrtsim_path <- function() {
  for (candidate in c(getOption("mrtsim.path", ""), Sys.getenv("MRTSIM_PATH"))) {
    if (nzchar(candidate)) return(executable_at(candidate))
  }
  on_path <- unname(Sys.which("mrtsim"))
  if (nzchar(on_path)) return(on_path)
  stop(engine_condition(
    paste0(
      "the mrtsim executable was not found. Install mrtsim and put it on the PATH, or say ",
      "where it is with set_mrtsim_path(\"/path/to/mrtsim\"), options(mrtsim.path = ...) ",
      "or the environment variable MRTSIM_PATH."
    ),
    "mrtsim_not_found"
  ))
}

#' @rdname mrtsim_path
#' @param path The executable, or the folder that holds it.
#' @return `set_mrtsim_path()`: the previous value of the option, invisibly.
#' @export
set_mrtsim_path <- function(path) {
  path <- executable_at(path)
  check_engine(path)
  invisible(options(mrtsim.path = path)$mrtsim.path)
}

#' @rdname mrtsim_path
#' @export
mrtsim_available <- function() {
  isTRUE(tryCatch(is.character(check_engine(mrtsim_path())), error = function(e) FALSE))
}

#' @rdname mrtsim_path
#' @export
mrtsim_version <- function() {
  engine_version(mrtsim_path())
}

executable_at <- function(path) {
  path <- path.expand(path)
  if (dir.exists(path)) {
    path <- file.path(path, if (.Platform$OS.type == "windows") "mrtsim.exe" else "mrtsim")
  }
  if (!file.exists(path)) {
    stop(engine_condition(paste0("the mrtsim executable '", path, "' does not exist."), "mrtsim_not_found"))
  }
  normalizePath(path)
}

engine_condition <- function(message, class) {
  structure(class = c(class, "mrtsim_error", "error", "condition"),
            list(message = message, call = NULL))
}

# Runs `path` with `args` (unquoted strings) and returns list(status, stdout, stderr).
exec_engine <- function(path, args) {
  out <- tempfile("mrtsim-stdout-")
  err <- tempfile("mrtsim-stderr-")
  on.exit(unlink(c(out, err)), add = TRUE)
  status <- suppressWarnings(system2(path, shQuote(args), stdout = out, stderr = err))
  list(status = status, stdout = read_text(out), stderr = read_text(err))
}

read_text <- function(file) {
  if (!file.exists(file) || file.size(file) == 0) return("")
  paste(readLines(file, warn = FALSE), collapse = "\n")
}

engine_version <- function(path) {
  key <- cache_key(path, "--version")
  if (is.null(engine_cache[[key]])) {
    result <- exec_engine(path, "--version")
    found <- regmatches(result$stdout, regexpr("[0-9]+\\.[0-9]+(\\.[0-9]+)?", result$stdout))
    if (result$status != 0 || length(found) == 0) {
      stop(engine_condition(
        paste0("'", path, "' does not answer --version as mrtsim does (it said: '",
               trimws(paste(result$stdout, result$stderr)), "')."),
        "mrtsim_not_found"
      ))
    }
    engine_cache[[key]] <- package_version(found)
  }
  engine_cache[[key]]
}

# The path, after checking that the engine there is recent enough.
check_engine <- function(path) {
  version <- engine_version(path)
  if (version < min_engine_version) {
    stop(engine_condition(
      paste0("mrtsim ", version, " at '", path, "' is too old: this package needs mrtsim ",
             min_engine_version, " or later. Update mrtsim."),
      "mrtsim_too_old"
    ))
  }
  path
}

# The help text of `mrtsim <subcommand>`, or NULL when the engine has no such subcommand (it then
# prints its main help, whose usage line does not name the subcommand).
engine_help <- function(path, subcommand) {
  key <- cache_key(path, paste(subcommand, "--help"))
  if (is.null(engine_cache[[key]])) {
    result <- exec_engine(path, c(subcommand, "--help"))
    usage <- grep("^Usage:", strsplit(result$stdout, "\n")[[1]], value = TRUE)
    known <- result$status == 0 && any(grepl(paste0(" ", subcommand, "( |$)"), usage))
    engine_cache[[key]] <- if (known) result$stdout else NA_character_
  }
  help <- engine_cache[[key]]
  if (is.na(help)) NULL else help
}

#' @rdname mrtsim_path
#' @param subcommand A subcommand of the engine, e.g. `"emee"`.
#' @param option An option of that subcommand, e.g. `"--outcome"`.
#' @return `mrtsim_supports()`: `TRUE` when a usable engine is found and has
#'   the subcommand (and the option).
#' @examples
#' mrtsim_supports("samplesize", "--outcome")
#' @export
mrtsim_supports <- function(subcommand, option = NULL) {
  isTRUE(tryCatch(engine_supports(subcommand, option, check_engine(mrtsim_path())),
                  error = function(e) FALSE))
}

engine_supports <- function(subcommand, flag, path) {
  help <- engine_help(path, subcommand)
  !is.null(help) && all(vapply(flag, grepl, logical(1), x = help, fixed = TRUE))
}

# An error unless the engine has `subcommand` (and every option in `flag`); `what` names the R function.
require_engine_feature <- function(path, subcommand, flag, what) {
  if (engine_supports(subcommand, flag, path)) return(invisible(path))
  feature <- paste0("'mrtsim ", paste(c(subcommand, flag), collapse = " "), "'")
  stop(engine_condition(
    paste0(what, " needs ", feature, ", which mrtsim ", engine_version(path), " at '", path,
           "' does not have. Update mrtsim."),
    "mrtsim_too_old"
  ))
}

# The checked path of the engine for the R function `what`, which runs `mrtsim <subcommand>`
# (and its options `flag`, when given); an error when the engine is missing, too old or lacks them.
engine_for <- function(what, subcommand, flag = NULL) {
  path <- check_engine(mrtsim_path())
  require_engine_feature(path, subcommand, flag, what)
  path
}

# Runs the engine at `path` with `args` and returns its stdout. A non-zero exit becomes an R
# error whose message is the engine's stderr, verbatim. Lines the engine writes to stderr on
# success are relayed as warnings (lines that say "warning") or, unless `quiet`, messages.
mrtsim_run <- function(path, args, quiet = FALSE) {
  result <- exec_engine(path, args)
  if (result$status != 0) stop(engine_failure(result))
  relay_stderr(result$stderr, quiet)
  result$stdout
}

engine_failure <- function(result) {
  message <- trimws(result$stderr)
  if (!nzchar(message)) message <- paste0("mrtsim exited with status ", result$status, " and no message.")
  engine_condition(message, "mrtsim_engine_error")
}

relay_stderr <- function(text, quiet = FALSE) {
  for (line in strsplit(text, "[\r\n]+")[[1]]) {
    line <- trimws(line)
    if (!nzchar(line)) next
    if (grepl("warning", line, ignore.case = TRUE)) {
      warning(line, call. = FALSE)
    } else if (!quiet) {
      message(line)
    }
  }
}

mrtsim_json <- function(path, args, quiet = FALSE) {
  jsonlite::fromJSON(mrtsim_run(path, c(args, "--format", "json"), quiet), simplifyVector = TRUE)
}

# Numbers as text for the engine: the shortest of 15 or 17 significant digits that reads back
# as the same double, so nothing is lost and messages echo what the user typed.
cli_number <- function(x) {
  x <- as.numeric(x)
  short <- sprintf("%.15g", x)
  exact <- is.na(x) | suppressWarnings(as.numeric(short)) == x
  ifelse(exact, short, sprintf("%.17g", x))
}
