import './choices.css';
import { FieldError, fieldIssue } from './errors.js';
import { humanize } from './format.js';

/** A group of checkboxes for a list field, with the server's issue for the list shown under it. */
export function Choices<T extends string>({
  legend,
  options,
  value,
  onChange,
  error,
  field,
  labelOf = humanize,
}: {
  legend: string;
  options: readonly T[];
  value: readonly T[];
  onChange: (v: T[]) => void;
  error: unknown;
  field: string;
  labelOf?: (option: T) => string;
}) {
  const issue = fieldIssue(error, field);
  return (
    <fieldset className={issue ? 'choices invalid' : 'choices'}>
      <legend>{legend}</legend>
      <div className="choice-list">
        {options.map((o) => (
          <label key={o} className="check">
            <input
              type="checkbox"
              checked={value.includes(o)}
              onChange={(e) => onChange(e.target.checked ? [...value, o] : value.filter((x) => x !== o))}
            />{' '}
            {labelOf(o)}
          </label>
        ))}
      </div>
      <FieldError error={error} field={field} />
    </fieldset>
  );
}
