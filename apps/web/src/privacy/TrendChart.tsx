import { useId } from 'react';

/** One line of a trend chart: a value (0–1) per period, or null where there is nothing to show. */
export interface TrendSeries {
  key: string;
  label: string;
  values: (number | null)[];
}

// Colours told apart by people with the common colour-vision deficiencies (Okabe–Ito), plus a dash pattern
// and a marker shape per line so nothing depends on colour alone.
const palette = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#56419c', '#8a6d00', '#000000'];
const dashes = ['', '6 3', '2 3', '8 3 2 3', '', '6 3', '2 3'];

const width = 640;
const height = 240;
const pad = { top: 12, right: 16, bottom: 28, left: 40 };

/**
 * A line chart of shares over time, drawn as an SVG with a title (role="img"). The figures themselves
 * are in the table the caller puts beside it; the drawing is for the eye.
 */
export function TrendChart({
  title,
  labels,
  series,
}: {
  title: string;
  labels: string[];
  series: TrendSeries[];
}) {
  const id = useId();
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const x = (i: number) => pad.left + (labels.length <= 1 ? plotW / 2 : (i / (labels.length - 1)) * plotW);
  const y = (v: number) => pad.top + (1 - v) * plotH;
  // Label at most about eight periods on the axis so the text never overlaps.
  const step = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <figure className="trend">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${id}-title`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${id}-title`}>{title}</title>
        {[0, 0.25, 0.5, 0.75, 1].map((v) => (
          <g key={v}>
            <line x1={pad.left} x2={width - pad.right} y1={y(v)} y2={y(v)} className="trend-grid" />
            <text x={pad.left - 6} y={y(v) + 4} textAnchor="end" className="trend-axis">
              {Math.round(v * 100)}%
            </text>
          </g>
        ))}
        {labels.map((label, i) =>
          i % step === 0 || (i === labels.length - 1 && i % step >= step / 2) ? (
            <text key={label} x={x(i)} y={height - 8} textAnchor="middle" className="trend-axis">
              {label}
            </text>
          ) : null,
        )}
        {series.map((s, n) => {
          const colour = palette[n % palette.length]!;
          const points = s.values.flatMap((v, i) => (v === null ? [] : [[x(i), y(v)] as const]));
          const path = s.values
            .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
            .reduce<string[]>((parts, p, i) => {
              if (p === null) return parts;
              const joined = i > 0 && s.values[i - 1] !== null;
              parts.push(`${joined ? 'L' : 'M'}${p}`);
              return parts;
            }, [])
            .join(' ');
          return (
            <g key={s.key} data-series={s.key}>
              <path
                d={path}
                fill="none"
                stroke={colour}
                strokeWidth={2.5}
                strokeDasharray={dashes[n % dashes.length]}
              />
              {points.map(([px, py]) =>
                n % 2 === 0 ? (
                  <circle key={`${px}-${py}`} cx={px} cy={py} r={3.5} fill={colour} />
                ) : (
                  <rect key={`${px}-${py}`} x={px - 3.5} y={py - 3.5} width={7} height={7} fill={colour} />
                ),
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((s, n) => (
          <span key={s.key}>
            <svg width="28" height="10" aria-hidden="true" className="trend-key">
              <line
                x1="1"
                x2="27"
                y1="5"
                y2="5"
                stroke={palette[n % palette.length]}
                strokeWidth={2.5}
                strokeDasharray={dashes[n % dashes.length]}
              />
            </svg>{' '}
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
