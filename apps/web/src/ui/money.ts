/** How many decimals the currency's minor unit has (2 for euro cents, 0 for yen); 2 when unknown. */
export function minorDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat(undefined, { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** Amounts are in the currency's minor unit (cents; none for yen): its decimals say how many. */
export function formatMoney(minor: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    return format.format(minor / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${minor} ${currency} (minor units)`;
  }
}

/** `"1200.5"` in EUR → 120050; null when the text is not a plain non-negative amount. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(text.trim().replace(/[\s']/g, ''));
  if (!match || (match[2]?.length ?? 0) > digits) return null;
  const minor = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || 0);
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Sums per currency, in the order the currencies first appear; amounts without a currency are left out. */
export function totalsByCurrency(
  items: readonly { amountMinor: number | null; currency: string | null }[],
): { currency: string; minor: number }[] {
  const totals = new Map<string, number>();
  for (const { amountMinor, currency } of items) {
    if (amountMinor === null || !currency) continue;
    totals.set(currency, (totals.get(currency) ?? 0) + amountMinor);
  }
  return [...totals].map(([currency, minor]) => ({ currency, minor }));
}
