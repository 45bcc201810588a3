# One-off check of tests/data/snmm/snmm_reference.csv against DTRreg itself (docs/snmm.md): runs the
# paper's DTRreg call (Qian et al. 2025, simulation/simu-distal.R: method = "gest",
# var.est = "sandwich", defaults otherwise) on tests/data/snmm/snmm_data.csv and prints the largest
# differences from the reference values. DTRreg imports ggplotify, which Debian lacks, so instead of
# installing the package this sources its R/ files (GPL-2; read from a copy of its sources, not part
# of mrtsim); only R6 and nnet are needed for g-estimation.
# Usage: Rscript tests/data/snmm/dtrreg_check.R PATH/TO/DTRreg/R   (run from the repository root)
args <- commandArgs(trailingOnly = TRUE)
for (f in list.files(args[1], pattern = "[.]R$", full.names = TRUE)) source(f)
d <- read.csv("tests/data/snmm/snmm_data.csv")
K <- max(d$t)
w <- reshape(d, idvar = c("id", "Y"), timevar = "t", direction = "wide", sep = "_")
ref <- read.csv("tests/data/snmm/snmm_reference.csv")
for (moderated in c(FALSE, TRUE)) for (dtr in c(TRUE, FALSE)) {
  case <- paste0(if (moderated) "moderated" else "marginal", "_", if (dtr) "optimal" else "none")
  blip <- lapply(1:K, function(t) if (moderated) as.formula(paste0("~ Z_", t)) else ~1)
  treat <- lapply(1:K, function(t) as.formula(paste0("A_", t, " ~ X_", t, " + Z_", t)))
  tf <- lapply(1:K, function(t) if (t == 1) ~1 else as.formula(paste0("~ (X_", t - 1, " + Z_", t - 1, ") * A_", t - 1)))
  fit <- suppressMessages(DTRreg(w$Y, blip, treat, tf, data = w, method = "gest", var.est = "sandwich", dtr = dtr))
  r <- ref[ref$case == case, ]
  psi_ref <- r[r$quantity == "psi", ]; var_ref <- r[r$quantity == "psi_variance", ]
  psi <- mapply(function(k, i) fit$psi[[k]][i], psi_ref$stage, psi_ref$i)
  v <- mapply(function(k, i, j) fit$covmat[[k]][i, j], var_ref$stage, var_ref$i, var_ref$j)
  avg <- Reduce(`+`, fit$psi) / K
  cat(sprintf("%s: max |psi - ref| %.2e (max |psi| %.2f); max relative |var - ref| %.2e; average %s vs ref %s\n",
              case, max(abs(psi - psi_ref$value)), max(abs(psi_ref$value)),
              max(abs(v - var_ref$value) / abs(var_ref$value)), paste(signif(avg, 10), collapse = " "),
              paste(signif(r$value[r$quantity == "average"], 10), collapse = " ")))
}
