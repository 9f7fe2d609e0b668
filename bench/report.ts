/** The markdown table of a `npm run bench` result (bench/run.ts), written next to its JSON. */
import type { Row } from './scenarios.js';

const number = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '' : n.toLocaleString('en'));

export function markdownTable(results: Record<string, unknown>): string {
  const scenarios = (results.scenarios ?? {}) as Record<string, { rows?: Row[]; serverPeakRssMb?: number }>;
  const load = (results.load ?? {}) as Record<string, unknown>;
  const lines = [
    `# Benchmark, ${String(results.startedAt).slice(0, 10)}: ${results.engine}, ${number(Number(results.contacts))} contacts`,
    '',
    `Medians of ${results.runs} runs; loads of ${results.secondsPerLoad} s with ${results.connections} clients unless the row says otherwise. ` +
      `Machine: ${(results.machine as { cpus: number }).cpus} cores, Node ${(results.machine as { node: string }).node}. ` +
      `Whole run: ${number(Number(results.totalSeconds))} s.`,
    '',
    '| scenario | measure | value | baseline | ratio | target | met | server peak RSS |',
    '|---|---|---:|---:|---:|---|---|---:|',
  ];
  for (const [name, s] of Object.entries(scenarios))
    for (const [i, r] of (s.rows ?? []).entries())
      lines.push(
        `| ${i === 0 ? name : ''} | ${r.measure} | ${number(r.value)} ${r.unit} | ${number(r.baseline)} | ${
          r.ratio === undefined ? '' : r.ratio
        } | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'yes' : '**no**'} | ${
          i === 0 && s.serverPeakRssMb !== undefined ? `${number(s.serverPeakRssMb)} MB` : ''
        } |`,
      );
  if (!load.reused && Object.keys(load).length > 0) {
    lines.push(
      '',
      '## Loading the data set (bench/data.ts)',
      '',
      '| part | count | rate |',
      '|---|---:|---:|',
    );
    const imp = load.import as { rows: number; rowsPerSecond: number } | undefined;
    if (imp)
      lines.push(
        `| contacts (POST /api/v1/imports) | ${number(imp.rows)} | ${number(imp.rowsPerSecond)} rows/s |`,
      );
    const parts = [
      ['companies', 'companies (API)'],
      ['deals', 'deals (API)'],
      ['activities', 'activities (import)'],
      ['consentEvents', 'consent events (import)'],
    ];
    for (const [key, label] of parts) {
      // API loads report count and perSecond; imports report rows and rowsPerSecond.
      const part = load[key!] as
        | { count?: number; perSecond?: number; rows?: number; rowsPerSecond?: number }
        | undefined;
      if (part)
        lines.push(
          `| ${label} | ${number(part.rows ?? part.count)} | ${number(part.rowsPerSecond ?? part.perSecond)}/s |`,
        );
    }
    if (load.peakRssMb)
      lines.push(`| peak RSS of the loading process | | ${number(Number(load.peakRssMb))} MB |`);
    if (load.totalSeconds) lines.push(`| whole load | | ${number(Number(load.totalSeconds))} s |`);
  }
  if (results.vacuumAnalyzeMs !== undefined)
    lines.push(
      '',
      `VACUUM ANALYZE after loading (autovacuum's steady state): ${number(Number(results.vacuumAnalyzeMs))} ms.`,
    );
  return `${lines.join('\n')}\n`;
}
