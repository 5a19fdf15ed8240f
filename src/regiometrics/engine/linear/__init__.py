"""Linear panel estimators: pooled OLS and fixed effects (absorbed by demeaning), random
effects, the Hausman test, and their shared design matrix and cluster covariance."""
