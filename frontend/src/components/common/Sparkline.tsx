/** A tiny SVG line chart for "at a glance" trends (latency, health); uPlot is for the real charts. */
export interface SparklineProps {
  values: readonly number[];
  width?: number;
  height?: number;
  colour?: string;
  label: string;
}

export function sparkPath(values: readonly number[], width: number, height: number): string {
  if (values.length === 0) return "";
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = values.length > 1 ? i * step : width / 2;
      const y = height - 2 - ((v - min) / span) * (height - 4);
      return `${i === 0 ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}

export function Sparkline({ values, width = 160, height = 32, colour = "#8b6cff", label }: SparklineProps) {
  if (values.length === 0) {
    return (
      <svg className="spark" width={width} height={height} role="img" aria-label={`${label}: no data yet`}>
        <line x1={0} x2={width} y1={height - 2} y2={height - 2} stroke="#2e3546" strokeDasharray="3 3" />
      </svg>
    );
  }
  return (
    <svg className="spark" width={width} height={height} role="img" aria-label={label}>
      <path d={sparkPath(values, width, height)} fill="none" stroke={colour} strokeWidth={1.5} strokeLinejoin="round" />
    </svg>
  );
}
