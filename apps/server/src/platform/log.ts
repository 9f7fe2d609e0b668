import pino, { type Logger } from 'pino';

/** Paths that are always redacted: credentials and secrets of every kind. */
const baseRedactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.secret',
  '*.mfaCode',
  '*.recoveryCode',
  '*.recoveryCodes',
];

/**
 * The hook for the data catalog: log paths of fields it marks personal (e.g. `*.email`).
 * Register before the logger is created; pino compiles redaction once.
 */
const personalPaths = new Set<string>(['*.email', '*.name', '*.phone']);
export function registerPersonalLogPaths(paths: readonly string[]): void {
  for (const p of paths) personalPaths.add(p);
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'custodian' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...baseRedactPaths, ...personalPaths], censor: '[redacted]' },
      serializers: {
        err: safeErrorSerializer,
      },
    },
    destination,
  );
}

/** Query strings can carry searches for names or e-mails and one-time tokens: keep only the keys. */
export function urlForLog(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const keys = [...new URLSearchParams(url.slice(q + 1)).keys()];
  return `${url.slice(0, q)}?${keys.map((k) => `${encodeURIComponent(k)}=[redacted]`).join('&')}`;
}

/**
 * Errors are logged by type, code and stack frames only. Their messages are left out because database
 * errors quote the values of the failed query (a duplicate e-mail, say) and those are personal data.
 */
export function safeErrorSerializer(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const withCodes = err as Error & { code?: unknown; statusCode?: unknown; cause?: unknown };
  const cause = withCodes.cause as { code?: unknown; constraint?: unknown } | undefined;
  return {
    type: err.name,
    code: typeof withCodes.code === 'string' ? withCodes.code : undefined,
    statusCode: typeof withCodes.statusCode === 'number' ? withCodes.statusCode : undefined,
    causeCode: typeof cause?.code === 'string' ? cause.code : undefined,
    constraint: typeof cause?.constraint === 'string' ? cause.constraint : undefined,
    // Only the frames: a message can span lines (Drizzle appends the query and its parameters).
    stack: err.stack
      ?.split('\n')
      .filter((line) => /^\s+at /.test(line))
      .slice(0, 12)
      .join('\n'),
  };
}
