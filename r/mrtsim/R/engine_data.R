# A data.frame and the column arguments of MRTAnalysis turned into the long-format CSV file the
# engine reads plus the command-line options naming its columns.
#
# Formulas are expanded in R with model.matrix(), so transformations, factors and interactions
# work as in MRTAnalysis; every resulting column becomes one CSV column. Column names go to the
# engine unchanged when its command line can carry them (no comma, quote, line break, leading
# dash or surrounding blank), so the engine's messages name the user's columns; other names are
# replaced by ".mrtsim_<k>" and mapped back in the results.

# Returns list(args, file, terms) where `terms` maps the engine's term names to R's.
engine_data <- function(data, id, outcome, treatment, rand_prob, availability = NULL,
                        numerator_prob = NULL, moderator_formula = ~1, control_formula = ~1,
                        weight = NULL) {
  if (!is.data.frame(data)) stop("`data` must be a data.frame.", call. = FALSE)
  table <- csv_table()
  args <- c(
    "--id", table$add(data[[column_name(data, id, "id")]], id),
    "--outcome", table$add(data[[column_name(data, outcome, "outcome")]], outcome),
    "--treatment", table$add(data[[column_name(data, treatment, "treatment")]], treatment),
    "--rand-prob", number_or_column(data, rand_prob, "rand_prob", table)
  )
  if (!is.null(availability)) {
    args <- c(args, "--availability",
              table$add(data[[column_name(data, availability, "availability")]], availability))
  }
  if (!is.null(numerator_prob)) {
    args <- c(args, "--numerator-prob", number_or_column(data, numerator_prob, "numerator_prob", table))
  }
  if (!is.null(weight)) {
    args <- c(args, "--weight", number_or_column(data, weight, "weighting_function", table))
  }
  # Controls first, so that a moderator that is also a control shares its column.
  controls <- add_formula_columns(table, control_formula, data, "control_formula")
  moderators <- add_formula_columns(table, moderator_formula, data, "moderator_formula")
  if (length(moderators)) args <- c(args, "--moderators", paste(moderators, collapse = ","))
  if (length(controls)) args <- c(args, "--controls", paste(controls, collapse = ","))
  file <- table$write()
  list(args = c("--data", file, args), file = file, terms = table$terms())
}

column_name <- function(data, name, role) {
  if (!is.character(name) || length(name) != 1 || is.na(name)) {
    stop("`", role, "` must be the name of a column of `data` (one character string).", call. = FALSE)
  }
  if (!name %in% names(data)) stop("`", role, "`: `data` has no column '", name, "'.", call. = FALSE)
  name
}

# rand_prob, numerator_prob and weighting_function: one number or one column name.
number_or_column <- function(data, value, role, table) {
  if (is.numeric(value) && length(value) == 1 && !is.na(value)) return(cli_number(value))
  if (is.character(value)) return(table$add(data[[column_name(data, value, role)]], value))
  stop("`", role, "` must be one number or the name of a column of `data`.", call. = FALSE)
}

# The model-matrix columns of a one-sided formula, without the intercept (the engine always has
# one); rows with missing values are kept, so that the engine can say where they are.
formula_matrix <- function(formula, data, role) {
  if (!inherits(formula, "formula") || length(formula) != 2) {
    stop("`", role, "` must be a one-sided formula such as ~ 1 or ~ x1 + x2.", call. = FALSE)
  }
  terms <- stats::terms(formula, data = data)
  if (attr(terms, "intercept") == 0) {
    stop("`", role, "`: mrtsim always includes an intercept; remove the '- 1' or '+ 0'.", call. = FALSE)
  }
  missing <- setdiff(all.vars(formula), names(data))
  if (length(missing)) {
    stop("`", role, "`: `data` has no column ", paste0("'", missing, "'", collapse = ", "), ".",
         call. = FALSE)
  }
  frame <- stats::model.frame(terms, data, na.action = stats::na.pass)
  x <- stats::model.matrix(terms, frame)
  x[, colnames(x) != "(Intercept)", drop = FALSE]
}

add_formula_columns <- function(table, formula, data, role) {
  x <- formula_matrix(formula, data, role)
  vapply(colnames(x), function(name) table$add(unname(x[, name]), name), "")
}

# The columns of the CSV file being built: add(values, r_name) returns the name of the CSV
# column that holds `values` (an existing column with the same name and values is reused).
csv_table <- function() {
  columns <- list()
  r_names <- character()
  add <- function(values, r_name) {
    same <- which(r_names == r_name)
    for (k in same) if (identical(columns[[k]], values)) return(names(columns)[k])
    fresh <- cli_safe(r_name) && !r_name %in% names(columns)
    csv_name <- if (fresh) r_name else paste0(".mrtsim_", length(columns) + 1)
    columns[[csv_name]] <<- values
    r_names[[length(r_names) + 1]] <<- r_name
    csv_name
  }
  write <- function() {
    file <- tempfile("mrtsim-data-", fileext = ".csv")
    fields <- lapply(columns, csv_field)
    header <- paste(csv_quote(names(columns)), collapse = ",")
    writeLines(c(header, do.call(paste, c(unname(fields), sep = ","))), file)
    file
  }
  terms <- function() stats::setNames(c("(Intercept)", r_names), c("(Intercept)", names(columns)))
  list(add = add, write = write, terms = terms)
}

cli_safe <- function(name) {
  nzchar(name) && !grepl("[,\"\r\n]", name) && identical(name, trimws(name)) && !startsWith(name, "-")
}

csv_quote <- function(text) paste0("\"", gsub("\"", "\"\"", text, fixed = TRUE), "\"")

csv_field <- function(x) {
  if (is.factor(x)) x <- as.character(x)
  if (is.logical(x)) x <- as.integer(x)
  out <- if (is.numeric(x)) cli_number(x) else csv_quote(as.character(x))
  out[is.na(x)] <- "NA"
  out
}

# Engine term names (CSV columns) renamed to the R names they stand for.
r_terms <- function(engine_terms, terms) {
  renamed <- terms[engine_terms]
  ifelse(is.na(renamed), engine_terms, renamed)
}
