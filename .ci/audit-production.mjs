// The dependency audit of the production dependencies (SECURITY.md, "Dependencies"): fails on any high or
// critical advisory. Where the registry refuses the advisory request (some mirrors answer 405), it says so and
// passes, unless AUDIT_REQUIRED=1: a missing answer is reported, never taken for a clean one.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// `--from FILE`: judge a report saved from `npm audit --omit=dev --json` elsewhere instead of asking the registry.
const from = process.argv[2] === '--from' ? process.argv[3] : null;
const run = from
  ? { stdout: readFileSync(from, 'utf8') }
  : spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', timeout: 120_000 });
let report = null;
try {
  report = JSON.parse(run.stdout);
} catch {
  report = null;
}

const counts = report?.metadata?.vulnerabilities;
if (!counts) {
  const why =
    typeof report?.statusCode === 'number'
      ? `the registry answered ${report.statusCode} to the advisory request`
      : run.error
        ? `npm audit did not run (${run.error.code ?? run.error.name})`
        : 'npm audit gave no report';
  const line = `Dependency audit NOT DONE: ${why}. Run \`npm audit --omit=dev\` where the advisory database answers.`;
  console.log(line);
  process.exit(process.env.AUDIT_REQUIRED === '1' ? 1 : 0);
}

const blocking = Object.entries(report.vulnerabilities ?? {})
  .filter(([, v]) => v.severity === 'high' || v.severity === 'critical')
  .map(([name, v]) => `${name} (${v.severity}, ${v.range}${v.fixAvailable ? ', fix available' : ''})`);
console.log(
  `Dependency audit (production): ${counts.critical} critical, ${counts.high} high, ${counts.moderate} moderate, ${counts.low} low.`,
);
if (blocking.length > 0) {
  console.log(`Blocking: ${blocking.join('; ')}`);
  process.exit(1);
}
