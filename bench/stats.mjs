// Summary statistics for the benchmark: quantiles by linear interpolation
// between order statistics (the usual "type 7" definition), so the median of
// an even count is the mean of the two middle values.

export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export function median(values) {
  return quantile(values, 0.5);
}

/** Median, quartiles and extremes of a list of numbers. */
export function summarise(values) {
  return {
    count: values.length,
    median: median(values),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** Geometric mean, the right average for ratios: a 2x win and a 2x loss cancel. */
export function geometricMean(values) {
  if (values.length === 0) return Number.NaN;
  return Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
}
