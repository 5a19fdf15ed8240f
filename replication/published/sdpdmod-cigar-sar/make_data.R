#!/usr/bin/env Rscript
# Write the public inputs of the SDPDmod cigarette-demand SAR (see README.md):
#
#   data/cigar.csv  Baltagi's cigarette-demand panel, 46 US states 1963-1992 (R plm's
#                   `Cigar`, from Baltagi and Levin 1992), with the state's name and the
#                   variables of the SDPDmod vignette:
#                     logc = log(sales)             packs per person of 14+
#                     logp = log(price / cpi)       real price per pack
#                     logy = log(ndi / cpi)         real per-capita disposable income
#   data/usa46.csv  the binary contiguity of the 46 states shipped with SDPDmod
#                   (`data(usa46)`), as a list of (from, to) neighbour pairs.
#
# Run from the repository root with the path of SDPDmod's data/usa46.rda (in the package
# source, https://github.com/RozetaSimonovska/SDPDmod, data/usa46.rda):
#   Rscript replication/published/sdpdmod-cigar-sar/make_data.R path/to/usa46.rda
# Needs R's plm (Debian: r-cran-plm). Logs are written with 17 significant digits so the
# doubles R computed are recovered bit for bit.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) stop("usage: make_data.R path/to/usa46.rda")
here <- "replication/published/sdpdmod-cigar-sar/data"
load(args[1])  # usa46: 46 x 46 0/1 matrix, states in alphabetical order
stopifnot(isSymmetric(unname(usa46)), all(usa46 %in% c(0, 1)), all(diag(usa46) == 0))
states <- rownames(usa46)

data("Cigar", package = "plm")
d <- Cigar[order(Cigar$state, Cigar$year), ]
codes <- sort(unique(d$state))
stopifnot(length(codes) == length(states))
# plm's state codes number the states alphabetically (with gaps): the i-th code is the
# i-th row of usa46, as SDPDmod pairs them (rows of W in the order of the sorted index)
full <- function(x) sprintf("%.17g", x)
out <- data.frame(
  state = states[match(d$state, codes)], code = d$state, year = 1900L + d$year,
  price = d$price, pop = d$pop, pop16 = d$pop16, cpi = d$cpi, ndi = d$ndi,
  sales = d$sales, pimin = d$pimin,
  logc = full(log(d$sales)), logp = full(log(d$price / d$cpi)),
  logy = full(log(d$ndi / d$cpi)),
  stringsAsFactors = FALSE
)
write.csv(out, file.path(here, "cigar.csv"), row.names = FALSE, quote = FALSE)

pairs <- which(usa46 == 1, arr.ind = TRUE)
pairs <- pairs[order(pairs[, 1], pairs[, 2]), ]
edges <- data.frame(from = states[pairs[, 1]], to = states[pairs[, 2]])
write.csv(edges, file.path(here, "usa46.csv"), row.names = FALSE, quote = TRUE)
cat("wrote", nrow(out), "state-years and", nrow(edges), "directed neighbour pairs\n")
