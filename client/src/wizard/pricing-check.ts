/** Pure: warnings for prices that are probably typed in the wrong unit. Warnings, not errors: odd prices exist. */

export interface PricingWarning {
  field: 'inputPer1M' | 'outputPer1M';
  message: string;
}

/** Above this per 1M tokens, a price is more likely per 1K tokens typed into a per-1M field. */
export const PLAUSIBLE_MAX_PER_1M = 200;

export function pricingWarnings(inputPer1M: number | undefined, outputPer1M: number | undefined): PricingWarning[] {
  const warnings: PricingWarning[] = [];
  for (const [field, value] of [
    ['inputPer1M', inputPer1M],
    ['outputPer1M', outputPer1M],
  ] as const) {
    if (value !== undefined && value > PLAUSIBLE_MAX_PER_1M) {
      warnings.push({ field, message: `$${value} per 1M tokens is more than any listed model charges: was it a price per 1K tokens? (per 1M = per 1K × 1000)` });
    }
  }
  if (inputPer1M !== undefined && outputPer1M !== undefined && inputPer1M > 0 && outputPer1M < inputPer1M / 10) {
    warnings.push({ field: 'outputPer1M', message: 'Output is priced at less than a tenth of input; providers charge more for output, not less. Were the two swapped?' });
  }
  return warnings;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumSignificantDigits: 4 });

/** "$0.0135 for a 2,000-in / 500-out request": the worked example beside the price fields, 4 significant digits. */
export function exampleRequestCost(inputPer1M: number, outputPer1M: number, inputTokens = 2_000, outputTokens = 500): string {
  const cost = (inputTokens * inputPer1M + outputTokens * outputPer1M) / 1_000_000;
  return usd.format(cost);
}

/** The same price per 1K tokens and per token, so that a reader who thinks in either can check it. */
export function perUnitEquivalents(perMillion: number): { per1K: string; perToken: string } {
  // fixed notation: "$0.0000015", never "$1.50e-6", which is the confusion per-1M prices exist to avoid
  return { per1K: usd.format(perMillion / 1_000), perToken: `$${(perMillion / 1_000_000).toLocaleString('en-US', { maximumSignificantDigits: 3, maximumFractionDigits: 20 })}` };
}
