#!/usr/bin/env Rscript
# Export AER's CigarettesSW panel (Stock and Watson, Introduction to Econometrics,
# chapter 12; 48 continental US states, 1985 and 1995) to specs/data/cigarettes.csv,
# adding the variables of Stock and Watson's cigarette-demand IV regressions:
#   lpacks   = log(packs)                    packs per capita
#   lrprice  = log(price / cpi)              real average price incl. all taxes
#   lrincome = log(income / population / cpi) real per-capita income
#   salestax = (taxs - tax) / cpi            real general sales tax (the instrument)
#   cigtax   = tax / cpi                     real cigarette-specific tax (second instrument)
#
# Run from the repository root:  Rscript specs/data/make_cigarettes.R
# Derived columns are written with 17 significant digits so the doubles R computed are
# recovered bit for bit.

suppressPackageStartupMessages(library(AER))
data("CigarettesSW", package = "AER")
d <- CigarettesSW
full <- function(x) sprintf("%.17g", x)
out <- data.frame(
  state = as.character(d$state),
  year = as.integer(as.character(d$year)),
  cpi = d$cpi, population = d$population, packs = d$packs, income = d$income,
  tax = d$tax, price = d$price, taxs = d$taxs,
  lpacks = full(log(d$packs)),
  lrprice = full(log(d$price / d$cpi)),
  lrincome = full(log(d$income / d$population / d$cpi)),
  salestax = full((d$taxs - d$tax) / d$cpi),
  cigtax = full(d$tax / d$cpi),
  stringsAsFactors = FALSE
)
out <- out[order(out$state, out$year), ]
write.csv(out, "specs/data/cigarettes.csv", row.names = FALSE, quote = FALSE)
cat("wrote specs/data/cigarettes.csv:", nrow(out), "rows\n")
