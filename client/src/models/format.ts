const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const integer = new Intl.NumberFormat('en-US');

/** USD per 1M tokens: "$3.00"; small prices keep up to 4 decimals ("$0.075"). */
export function formatPrice(perMillion: number): string {
  return usd.format(perMillion);
}

export function formatTokens(count: number): string {
  return integer.format(count);
}

export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}
