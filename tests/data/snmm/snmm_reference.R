# Reference values for tests/test_snmm.cc: SNMM g-estimation (docs/estimators.md §3.2; equations in
# host/analysis/snmm.h) implemented directly from its equations, with the paper's models: treatment
# A_t ~ X_t + Z_t (logistic), treatment-free ~1 at t = 1 and ~(X_{t-1} + Z_{t-1}) * A_{t-1} after,
# blip ~1 (marginal) or ~Z_t (moderated); later stages at the estimated optimal treatment (DTRreg's
# default) or at none. The data (tests/data/snmm/snmm_data.csv, 100 subjects x 30 decision points)
# are drawn here from the Qian et al. (2025) model as docs/estimators.md §3.1 states it (R's RNG, seed
# 20250612; written with 6 decimals, and those written values are the data).
# Writes tests/data/snmm/snmm_reference.csv with columns case, quantity, stage, i, j, value.
# The stacked Jacobian is written out analytically and checked here against numDeriv's.
# Run from the repository root: Rscript tests/data/snmm/snmm_reference.R   (R 4.2.2, numDeriv 2016.8-1.1)
library(numDeriv)
expit <- function(v) 1 / (1 + exp(-v))
simulate_qian <- function(n, K) {
  lin <- function(a, b) a + (b - a) * (0:(K - 1)) / (K - 1)
  al <- lin(1, 3); be <- lin(1, 2); ga <- lin(1, 1.5); la <- lin(-1, -2); xi <- lin(1, 2)
  X <- Z <- A <- matrix(0, n, K); x <- z <- a <- rep(0, n); y <- rep(0, n)
  for (t in 1:K) {
    x <- -0.5 + 0.5 * a + 0.5 * x + rnorm(n)
    z <- rbinom(n, 1, expit(-1 + a + z))
    avail <- rbinom(n, 1, 0.8)
    prob <- pmin(pmax(expit(2 * x / 6 + 2 * (z - 0.5) + 2 * (t - K / 2) / K), 0.1), 0.9)
    anew <- avail * rbinom(n, 1, prob)
    u <- x / 12 + 0.5
    y <- y + xi[t] * (ifelse(u >= 0 & u <= 1, 6 * u * (1 - u), 0) + z) +
      anew * (al[t] + be[t] * x + ga[t] * z + la[t] * a)
    X[, t] <- x; Z[, t] <- z; A[, t] <- anew; a <- anew
  }
  data.frame(id = rep(1:n, each = K), t = rep(1:K, n), X = sprintf("%.6f", as.vector(t(X))),
             Z = as.vector(t(Z)), A = as.vector(t(A)), Y = sprintf("%.6f", rep(y + rnorm(n), each = K)))
}
set.seed(20250612)
write.csv(simulate_qian(100, 30), "tests/data/snmm/snmm_data.csv", row.names = FALSE, quote = FALSE)
d <- read.csv("tests/data/snmm/snmm_data.csv")
ids <- unique(d$id); n <- length(ids); K <- max(d$t)
wide <- function(v) matrix(d[[v]], nrow = n, ncol = K, byrow = TRUE)
X <- wide("X"); Z <- wide("Z"); A <- wide("A")
Y <- d$Y[!duplicated(d$id)]
designs <- function(moderated) lapply(1:K, function(t) {
  V <- cbind(1, X[, t], Z[, t])
  TF <- if (t == 1) matrix(1, n, 1) else
    cbind(1, X[, t - 1], Z[, t - 1], A[, t - 1], X[, t - 1] * A[, t - 1], Z[, t - 1] * A[, t - 1])
  H <- if (moderated) cbind(1, Z[, t]) else matrix(1, n, 1)
  list(a = A[, t], V = V, TF = TF, H = H)
})

fit_snmm <- function(st, optimal) {
  fits <- vector("list", K)
  Yk <- Y
  for (k in K:1) {
    s <- st[[k]]
    g <- glm(s$a ~ s$V - 1, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100))
    alpha <- unname(coef(g)); mu <- as.vector(expit(s$V %*% alpha))
    Hd <- cbind(s$TF, s$a * s$H); Hw <- cbind(s$TF, (s$a - mu) * s$H)
    M <- crossprod(Hw, Hd)
    theta <- as.vector(solve(M, crossprod(Hw, Yk)))
    p <- ncol(s$H); psi <- tail(theta, p)
    blip <- as.vector(s$H %*% psi)
    dk <- if (optimal) as.numeric(blip > 1e-8) else rep(0, n)
    fits[[k]] <- list(alpha = alpha, mu = mu, Hd = Hd, Hw = Hw, M = M, theta = theta, psi = psi,
                      r = as.vector(Yk - Hd %*% theta), later = dk - s$a, Yk = Yk)
    Yk <- Yk + (dk - s$a) * blip
  }
  fits
}

# DTRreg-style per-stage sandwich: influence phi_i = -n M^-1 U_i, V = cov(phi) / n.
stage_influence <- function(f) {
  U <- f$r * f$Hw
  phi <- -n * solve(f$M, t(U))            # m x n
  phi - rowMeans(phi)
}

# Stacked estimating functions, one row per subject, at parameters `omega` (d_j held fixed).
stacked_phi <- function(omega, st, fits) {
  out <- NULL; pos <- 0
  pars <- list()
  for (k in 1:K) {
    r <- length(fits[[k]]$alpha); m <- length(fits[[k]]$theta)
    pars[[k]] <- list(alpha = omega[pos + 1:r], theta = omega[pos + r + 1:m]); pos <- pos + r + m
  }
  p <- ncol(st[[1]]$H)
  for (k in 1:K) {
    s <- st[[k]]; al <- pars[[k]]$alpha; th <- pars[[k]]$theta
    mu <- as.vector(expit(s$V %*% al))
    Yk <- Y
    for (j in seq_len(K - k) + k) Yk <- Yk + fits[[j]]$later * as.vector(st[[j]]$H %*% tail(pars[[j]]$theta, p))
    Hd <- cbind(s$TF, s$a * s$H); Hw <- cbind(s$TF, (s$a - mu) * s$H)
    out <- cbind(out, (s$a - mu) * s$V, as.vector(Yk - Hd %*% th) * Hw)
  }
  out
}

analytic_jacobian <- function(st, fits) {
  sizes <- sapply(fits, function(f) length(f$alpha) + length(f$theta)); P <- sum(sizes)
  start <- cumsum(c(0, sizes))[1:K]
  J <- matrix(0, P, P); p <- ncol(st[[1]]$H)
  for (k in 1:K) {
    s <- st[[k]]; f <- fits[[k]]; r <- length(f$alpha); m <- length(f$theta); q <- m - p
    ia <- start[k] + 1:r; it <- start[k] + r + 1:m
    w <- f$mu * (1 - f$mu)
    J[ia, ia] <- -t(s$V) %*% (w * s$V)
    J[it, it] <- -f$M
    J[start[k] + r + q + 1:p, ia] <- -t(s$H) %*% ((f$r * w) * s$V)
    for (j in seq_len(K - k) + k) {
      rj <- length(fits[[j]]$alpha); qj <- length(fits[[j]]$theta) - p
      J[it, start[j] + rj + qj + 1:p] <- t(f$Hw) %*% (fits[[j]]$later * st[[j]]$H)
    }
  }
  J
}

rows <- list()
emit <- function(case, quantity, stage, i, j, value)
  rows[[length(rows) + 1]] <<- data.frame(case = case, quantity = quantity, stage = stage, i = i, j = j,
                                          value = sprintf("%.17g", value))
for (moderated in c(FALSE, TRUE)) for (optimal in c(TRUE, FALSE)) {
  case <- paste0(if (moderated) "moderated" else "marginal", "_", if (optimal) "optimal" else "none")
  st <- designs(moderated); fits <- fit_snmm(st, optimal); p <- ncol(st[[1]]$H)
  avg_phi <- 0; psibar <- 0
  for (k in 1:K) {
    f <- fits[[k]]; m <- length(f$theta)
    phi <- stage_influence(f)[(m - p + 1):m, , drop = FALSE]
    V <- phi %*% t(phi) / (n * (n - 1))
    for (i in 1:p) {
      emit(case, "psi", k, i, 0, f$psi[i])
      for (j in 1:p) emit(case, "psi_variance", k, i, j, V[i, j])
    }
    for (i in seq_along(f$alpha)) emit(case, "alpha", k, i, 0, f$alpha[i])
    avg_phi <- avg_phi + phi / K; psibar <- psibar + f$psi / K
  }
  Vps <- avg_phi %*% t(avg_phi) / (n * (n - 1))
  omega <- unlist(lapply(fits, function(f) c(f$alpha, f$theta)))
  Phi <- stacked_phi(omega, st, fits)
  stopifnot(max(abs(colSums(Phi))) < 1e-8)  # the estimates solve the stacked equations
  J <- analytic_jacobian(st, fits)
  Jnum <- jacobian(function(o) colSums(stacked_phi(o, st, fits)), omega)
  cat(sprintf("%s: max |analytic - numDeriv Jacobian| / max |J| = %.2e\n", case, max(abs(J - Jnum)) / max(abs(J))))
  L <- matrix(0, p, length(omega)); pos <- 0
  for (k in 1:K) {
    r <- length(fits[[k]]$alpha); m <- length(fits[[k]]$theta)
    L[, pos + r + (m - p + 1):m] <- diag(p) / K; pos <- pos + r + m
  }
  Jinv <- solve(J)
  Vfull <- L %*% Jinv %*% crossprod(Phi) %*% t(Jinv) %*% t(L)
  for (i in 1:p) {
    emit(case, "average", 0, i, 0, psibar[i])
    for (j in 1:p) {
      emit(case, "average_variance", 0, i, j, Vfull[i, j])
      emit(case, "average_variance_per_stage", 0, i, j, Vps[i, j])
    }
  }
  cat(sprintf("%s: average %s, SE stacked %s, SE per-stage %s\n", case, paste(signif(psibar, 6), collapse = " "),
              paste(signif(sqrt(diag(Vfull)), 6), collapse = " "), paste(signif(sqrt(diag(Vps)), 6), collapse = " ")))
}
write.csv(do.call(rbind, rows), "tests/data/snmm/snmm_reference.csv", row.names = FALSE, quote = FALSE)
