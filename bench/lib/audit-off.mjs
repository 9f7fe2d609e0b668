// The audit-free variant of the server, for the audit-overhead benchmark only: `node --import tsx --import
// ./bench/lib/audit-off.mjs …` makes the audit module's recordAudit one that writes nothing. Never used outside
// bench/run.ts; the product has no switch to turn auditing off.
import { register } from 'node:module';

register('./audit-off-hooks.mjs', import.meta.url);
