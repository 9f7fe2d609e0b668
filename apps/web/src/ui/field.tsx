import { cloneElement, type ReactElement, type ReactNode, useId } from 'react';
import { errorText, fieldIssue } from './errors.js';

type ControlProps = { id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string };

/**
 * A labelled form control with the server's issue for its field shown next to it and tied to it
 * (aria-describedby), so a screen reader reads the problem with the field.
 */
export function Field({
  label,
  error,
  field,
  hint,
  anyError = false,
  children,
}: {
  label: string;
  error: unknown;
  /** The problem+json field path, e.g. `body.emails.0.value`. */
  field: string;
  hint?: ReactNode;
  /**
   * Show the problem's own message when it names no field: for a control the whole request is about (a wrong
   * password or code is a 401 naming no field, but it is still about this field).
   */
  anyError?: boolean;
  children: ReactElement<ControlProps>;
}) {
  const id = useId();
  const issue = fieldIssue(error, field) ?? (anyError && error ? errorText(error) : null);
  const describedBy = [hint ? `${id}-hint` : null, issue ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {cloneElement(children, {
        id,
        'aria-invalid': issue ? true : undefined,
        'aria-describedby': describedBy || undefined,
      })}
      {issue && (
        <span className="field-error" id={`${id}-error`} role={anyError ? 'alert' : undefined}>
          {issue}
        </span>
      )}
    </div>
  );
}
