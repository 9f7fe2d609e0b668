/**
 * k-anonymity by full-domain generalisation with bounded suppression (after Samarati and Sweeney): each
 * quasi-identifier has a ladder of ever coarser values ending in `*`; starting from the finest, the
 * quasi-identifier whose next step leaves the fewest records in groups smaller than k is coarsened, until
 * those records fit within the suppression budget. They are then left out, so every released combination
 * of quasi-identifier values is shared by at least k records.
 */
export interface QuasiIdentifier<R> {
  name: string;
  /** From the finest to the coarsest; the last step must give the same value for every record (`*`). */
  levels: readonly { name: string; value: (record: R) => string }[];
}

export interface Released<R> {
  record: R;
  /** The quasi-identifiers at the levels chosen. */
  values: Record<string, string>;
}

export interface KAnonymity<R> {
  rows: Released<R>[];
  /** The level chosen per quasi-identifier, by name. */
  levels: Record<string, { level: number; name: string }>;
  suppressed: number;
  /** The smallest released group; null when nothing is released. */
  kAchieved: number | null;
  groups: number;
}

const separator = '\u0000';

export function kAnonymise<R>(
  records: readonly R[],
  quasi: readonly QuasiIdentifier<R>[],
  k: number,
  maxSuppressedShare = 0.05,
): KAnonymity<R> {
  if (!Number.isInteger(k) || k < 1) throw new RangeError('k must be a positive integer');
  const cache = quasi.map((q) => q.levels.map(() => new Map<number, string>()));
  const generalised = (qi: number, level: number, index: number) => {
    const memo = cache[qi]![level]!;
    let v = memo.get(index);
    if (v === undefined) {
      v = quasi[qi]!.levels[level]!.value(records[index]!);
      memo.set(index, v);
    }
    return v;
  };
  const keyOf = (levels: readonly number[], index: number) =>
    levels.map((level, qi) => generalised(qi, level, index)).join(separator);
  const groupsAt = (levels: readonly number[]) => {
    const groups = new Map<string, number[]>();
    for (let i = 0; i < records.length; i++) {
      const key = keyOf(levels, i);
      const g = groups.get(key);
      if (g) g.push(i);
      else groups.set(key, [i]);
    }
    return groups;
  };
  const violating = (groups: Map<string, number[]>) => {
    let n = 0;
    for (const g of groups.values()) if (g.length < k) n += g.length;
    return n;
  };

  const budget = Math.floor(maxSuppressedShare * records.length);
  const levels = quasi.map(() => 0);
  let groups = groupsAt(levels);
  while (violating(groups) > budget) {
    let best: { qi: number; groups: Map<string, number[]>; violating: number } | null = null;
    for (let qi = 0; qi < quasi.length; qi++) {
      if (levels[qi]! >= quasi[qi]!.levels.length - 1) continue;
      const next = levels.map((l, i) => (i === qi ? l + 1 : l));
      const g = groupsAt(next);
      const v = violating(g);
      if (!best || v < best.violating) best = { qi, groups: g, violating: v };
    }
    if (!best) break; // every quasi-identifier at `*`: one group, released only if it has k records
    levels[best.qi]!++;
    groups = best.groups;
  }

  const rows: Released<R>[] = [];
  let suppressed = 0;
  let kAchieved: number | null = null;
  let released = 0;
  for (const members of groups.values()) {
    if (members.length < k) {
      suppressed += members.length;
      continue;
    }
    released++;
    kAchieved = kAchieved === null ? members.length : Math.min(kAchieved, members.length);
    for (const index of members)
      rows.push({
        record: records[index]!,
        values: Object.fromEntries(quasi.map((q, qi) => [q.name, generalised(qi, levels[qi]!, index)])),
      });
  }
  return {
    rows,
    levels: Object.fromEntries(
      quasi.map((q, qi) => [q.name, { level: levels[qi]!, name: q.levels[levels[qi]!]!.name }]),
    ),
    suppressed,
    kAchieved,
    groups: released,
  };
}

/** Ladders shared by the exports. */
export const ladders = {
  /** `YYYY-MM` → `YYYY-Qn` → `YYYY` → `*`. */
  month: <R>(get: (r: R) => string | null): QuasiIdentifier<R>['levels'] => [
    { name: 'month', value: (r) => get(r)?.slice(0, 7) ?? 'unknown' },
    {
      name: 'quarter',
      value: (r) => {
        const m = get(r);
        return m ? `${m.slice(0, 4)}-Q${Math.ceil(Number(m.slice(5, 7)) / 3)}` : 'unknown';
      },
    },
    { name: 'year', value: (r) => get(r)?.slice(0, 4) ?? 'unknown' },
    { name: 'any', value: () => '*' },
  ],
  /** A category as is → `*`. */
  category: <R>(get: (r: R) => string | null): QuasiIdentifier<R>['levels'] => [
    { name: 'value', value: (r) => get(r) ?? 'unknown' },
    { name: 'any', value: () => '*' },
  ],
  /** A number in bands of `widths` (ascending), then `*`. */
  bands: <R>(
    get: (r: R) => number | null,
    widths: readonly number[],
    unit = '',
  ): QuasiIdentifier<R>['levels'] => [
    ...widths.map((w) => ({
      name: `${w}${unit}`,
      value: (r: R) => {
        const n = get(r);
        if (n === null) return 'unknown';
        const low = Math.floor(n / w) * w;
        return `${low}-${low + w - 1}`;
      },
    })),
    { name: 'any', value: () => '*' },
  ],
};
