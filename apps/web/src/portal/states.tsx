import type { ReactNode } from 'react';
import { useI18n } from './i18n/index.js';
import { generalError } from './portal-api.js';

export function PortalLoading() {
  const { t } = useI18n();
  return (
    <p aria-busy="true" className="loading">
      {t.common.loading}
    </p>
  );
}

/** A failed read in the person's language, with a way to try again. */
export function PortalLoadError({
  error,
  onRetry,
  children,
}: {
  error: unknown;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div role="alert" className="notice error">
      <p>{children ?? generalError(error, t)}</p>
      {onRetry && (
        <button type="button" className="secondary" onClick={onRetry}>
          {t.common.retry}
        </button>
      )}
    </div>
  );
}

export function GpcBanner({ text }: { text: string }) {
  return (
    <p className="notice gpc" role="status">
      {text}
    </p>
  );
}
