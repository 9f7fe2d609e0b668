import { ApiError } from '../api.js';

/** The issue the server's problem+json names for one field (`body.emails.0.value`), if any. */
export function fieldIssue(error: unknown, field: string): string | null {
  if (!(error instanceof ApiError)) return null;
  return error.problem.errors?.find((e) => e.field === field)?.issue ?? null;
}

export function FieldError({ error, field, id }: { error: unknown; field: string; id?: string }) {
  const issue = fieldIssue(error, field);
  return issue ? (
    <span className="field-error" id={id}>
      {issue}
    </span>
  ) : null;
}

export function errorText(error: unknown): string {
  return error instanceof ApiError ? error.problem.detail : 'The server could not be reached';
}

export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p role="alert" className="form-error">
      {errorText(error)}
    </p>
  );
}

/** A failed read with a way to try again. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div role="alert" className="load-error">
      <p>{errorText(error)}</p>
      {onRetry && (
        <button type="button" className="secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p aria-busy="true" className="loading">
      Loading {what}…
    </p>
  );
}
