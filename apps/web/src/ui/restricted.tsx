import { isRestricted } from './format.js';

/** A value as the server sent it, or a mark saying the caller's role or purpose may not see it. */
export function Value({ value, compact }: { value: string | null | undefined; compact?: boolean }) {
  if (isRestricted(value)) return <Restricted compact={compact} />;
  return <>{value ?? '—'}</>;
}

export function Restricted({ compact }: { compact?: boolean | undefined }) {
  return (
    <span className="restricted">
      restricted<span className={compact ? 'visually-hidden' : undefined}> for your role</span>
    </span>
  );
}
