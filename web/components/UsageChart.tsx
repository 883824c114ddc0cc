import type { UsageDay } from '@/lib/api';

const W = 720;
const H = 260;
const PAD = { top: 16, right: 48, bottom: 36, left: 48 };

/** Axis maximum of 1, 2 or 5 × a power of ten, at least 5, so the five grid steps are whole numbers. */
function niceMax(value: number): number {
  if (value <= 5) return 5;
  const pow = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * pow) return step * pow;
  return 10 * pow;
}

/**
 * Requests per day as bars (left axis) and stored items at the end of each day as a line (right axis).
 * Plain SVG that scales with its container; the same numbers are in the table next to it.
 */
export function UsageChart({ days, titleId }: { days: UsageDay[]; titleId: string }) {
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const maxRequests = niceMax(Math.max(0, ...days.map((d) => d.requests)));
  const maxStored = niceMax(Math.max(0, ...days.map((d) => d.storedItems)));
  const slot = innerW / Math.max(1, days.length);
  const barW = Math.max(1, slot * 0.6);
  const x = (i: number) => PAD.left + slot * i + slot / 2;
  const yReq = (v: number) => PAD.top + innerH - (v / maxRequests) * innerH;
  const yStored = (v: number) => PAD.top + innerH - (v / maxStored) * innerH;
  const line = days.map(
    (d, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${yStored(d.storedItems).toFixed(1)}`,
  );
  const labelEvery = Math.max(1, Math.ceil(days.length / 6));
  const total = days.reduce((s, d) => s + d.requests, 0);
  const last = days[days.length - 1];

  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${titleId}-svg-title ${titleId}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${titleId}-svg-title`}>Requests and stored items per day</title>
        <desc id={`${titleId}-desc`}>
          {`${total} requests over ${days.length} days; ${last ? last.storedItems : 0} items stored on ${last?.date ?? 'the last day'}.`}
        </desc>
        {[0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => {
          const y = PAD.top + innerH - f * innerH;
          return (
            <g key={f}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} className="grid" />
              <text x={PAD.left - 6} y={y + 4} textAnchor="end" className="axis axis-requests">
                {Math.round(maxRequests * f)}
              </text>
              <text x={W - PAD.right + 6} y={y + 4} textAnchor="start" className="axis axis-stored">
                {Math.round(maxStored * f)}
              </text>
            </g>
          );
        })}
        {days.map((d, i) => (
          <rect
            key={d.date}
            x={x(i) - barW / 2}
            y={yReq(d.requests)}
            width={barW}
            height={Math.max(0, PAD.top + innerH - yReq(d.requests))}
            className="bar"
          >
            <title>{`${d.date}: ${d.requests} requests`}</title>
          </rect>
        ))}
        {days.length > 0 ? <path d={line.join(' ')} className="line" fill="none" /> : null}
        {days.map((d, i) => (
          <circle key={d.date} cx={x(i)} cy={yStored(d.storedItems)} r={3} className="dot">
            <title>{`${d.date}: ${d.storedItems} stored items`}</title>
          </circle>
        ))}
        {days.map((d, i) =>
          i % labelEvery === 0 || i === days.length - 1 ? (
            <text key={d.date} x={x(i)} y={H - PAD.bottom + 18} textAnchor="middle" className="axis">
              {d.date.slice(5)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption className="legend">
        <span className="legend-item">
          <span className="swatch swatch-requests" aria-hidden="true" /> Requests per day (left axis)
        </span>
        <span className="legend-item">
          <span className="swatch swatch-stored" aria-hidden="true" /> Stored items (right axis)
        </span>
      </figcaption>
    </figure>
  );
}
