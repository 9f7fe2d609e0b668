// Module resolution hook (see audit-off.mjs): the audit module's own import of ./record-audit.js resolves to
// bench/lib/no-audit/record-audit.mjs. Every other module resolves as usual.
const replacement = new URL('./no-audit/record-audit.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === './record-audit.js' && context.parentURL?.includes('/modules/audit/'))
    return { url: replacement, shortCircuit: true };
  return nextResolve(specifier, context);
}
