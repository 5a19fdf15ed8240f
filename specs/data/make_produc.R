#!/usr/bin/env Rscript
# Export plm's Produc panel (Munnell 1990; 48 US states, 1970-1986) to
# specs/data/produc.csv, adding the log variables used by the
# Munnell production function lgsp ~ lpcap + lpc + lemp + unemp.
#
# Run from the repository root:  Rscript specs/data/make_produc.R
#
# Raw columns are written with R's default 15 significant digits (this
# reproduces the stored decimal values exactly); the log columns are written
# with 17 significant digits so that the doubles R computed are recovered
# bit for bit when the file is read back.

suppressPackageStartupMessages(library(plm))
data("Produc", package = "plm")

d <- Produc
out <- data.frame(
  state = as.character(d$state),
  region = as.integer(as.character(d$region)),
  year = as.integer(d$year),
  pcap = d$pcap, hwy = d$hwy, water = d$water, util = d$util,
  pc = d$pc, gsp = d$gsp, emp = d$emp, unemp = d$unemp,
  stringsAsFactors = FALSE
)
full <- function(x) sprintf("%.17g", x)
out$lgsp <- full(log(d$gsp))
out$lpcap <- full(log(d$pcap))
out$lpc <- full(log(d$pc))
out$lemp <- full(log(d$emp))

stopifnot(nrow(out) == 816L, length(unique(out$state)) == 48L)
write.csv(out, "specs/data/produc.csv", row.names = FALSE, quote = FALSE)
cat("wrote specs/data/produc.csv with plm", as.character(packageVersion("plm")), "\n")
