/**
 * Small charts drawn with CSS bars. Every figure is also written out as text in the same table row, so the
 * bars themselves are decoration (aria-hidden) and a screen reader reads the numbers.
 */
export interface Bar {
  label: string;
  value: number;
  tone?: 'danger' | 'warn' | 'ok' | 'muted';
}

const share = (value: number, max: number) => `${max === 0 ? 0 : Math.round((value / max) * 100)}%`;

export function BarTable({ caption, bars, unit }: { caption: string; bars: Bar[]; unit: string }) {
  const max = Math.max(0, ...bars.map((b) => b.value));
  return (
    <table className="bar-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead className="visually-hidden">
        <tr>
          <th scope="col">{caption}</th>
          <th scope="col">{unit}</th>
        </tr>
      </thead>
      <tbody>
        {bars.map((b) => (
          <tr key={b.label}>
            <th scope="row">{b.label}</th>
            <td>
              <span className="bar-value">{b.value}</span>
              <span className="bar-track" aria-hidden="true">
                <span className={`bar bar-${b.tone ?? 'ok'}`} style={{ width: share(b.value, max) }} />
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface Segment {
  key: string;
  label: string;
  value: number;
}

/** One row's parts side by side in a bar as wide as their total, with the parts written out below. */
export function StackedBar({ segments, total }: { segments: Segment[]; total: number }) {
  return (
    <span className="stacked" aria-hidden="true">
      {segments
        .filter((s) => s.value > 0)
        .map((s) => (
          <span key={s.key} className={`segment segment-${s.key}`} style={{ width: share(s.value, total) }} />
        ))}
    </span>
  );
}

/** A clock that runs down: the part of `of` still left, as a bar. */
export function Countdown({ left, of }: { left: number; of: number }) {
  const ratio = Math.min(1, Math.max(0, left / of));
  const tone = ratio === 0 ? 'danger' : ratio < 1 / 3 ? 'warn' : 'ok';
  return (
    <span className="bar-track" aria-hidden="true">
      <span className={`bar bar-${tone}`} style={{ width: `${Math.round(ratio * 100)}%` }} />
    </span>
  );
}
