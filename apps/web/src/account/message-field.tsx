import { cloneElement, type ReactElement, type ReactNode, useId } from 'react';
import { errorText, fieldIssue } from '../ui/errors.js';

type ControlProps = { id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string };

/**
 * A labelled control with the error of the request it belongs to shown next to it: the server's issue
 * for this field when it names one, otherwise the problem's own message (a wrong password or code is a
 * 401 naming no field, but it is still about this field).
 */
export function MessageField({
  label,
  error,
  field,
  hint,
  children,
}: {
  label: string;
  error: unknown;
  field: string;
  hint?: ReactNode;
  children: ReactElement<ControlProps>;
}) {
  const id = useId();
  const message = error ? (fieldIssue(error, field) ?? errorText(error)) : null;
  const describedBy = [hint ? `${id}-hint` : null, message ? `${id}-error` : null].filter(Boolean).join(' ');
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
        'aria-invalid': message ? true : undefined,
        'aria-describedby': describedBy || undefined,
      })}
      {message && (
        <span className="field-error" id={`${id}-error`} role="alert">
          {message}
        </span>
      )}
    </div>
  );
}
