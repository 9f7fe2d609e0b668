// The audit-overhead benchmark's stand-in for apps/server/src/modules/audit/record-audit.ts: the same signature,
// no entry written. Loaded only into the benchmark's audit-free server process (bench/lib/audit-off.mjs).
export async function recordAudit() {
  return 0;
}
