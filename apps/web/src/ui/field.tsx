import { cloneElement, type ReactElement, type ReactNode, useId } from 'react';
import { fieldIssue } from './errors.js';

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
  children,
}: {
  label: string;
  error: unknown;
  /** The problem+json field path, e.g. `body.emails.0.value`. */
  field: string;
  hint?: ReactNode;
  children: ReactElement<ControlProps>;
}) {
  const id = useId();
  const issue = fieldIssue(error, field);
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
        <span className="field-error" id={`${id}-error`}>
          {issue}
        </span>
      )}
    </div>
  );
}
