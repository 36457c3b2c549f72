import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { DayRead } from "../../api/models";
import { Empty } from "../common/States";
import { dailyColumns } from "./stats";

const ATTEMPTS = "#8b6cff";
const SUCCESS = "#2ecc71";
// Half a day either side, so the first and last day's bars are not cut in half at the edges.
const HALF_DAY = 43_200;

function options(width: number): uPlot.Options {
  const axis = { stroke: "#8b93a7", grid: { stroke: "#232937", width: 1 }, ticks: { stroke: "#232937", width: 1 } };
  const bars = uPlot.paths.bars?.({ size: [0.6, 40], align: 0 });
  return {
    width,
    height: 220,
    legend: { show: false },
    scales: { x: { time: true, range: (_u, min, max) => [min - HALF_DAY, max + HALF_DAY] }, n: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max)] } },
    axes: [axis, { ...axis, scale: "n", values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : "")) }],
    series: [
      {},
      { label: "Attempts", scale: "n", stroke: ATTEMPTS, fill: "#8b6cff33", width: 1, paths: bars, points: { show: false } },
      { label: "Successful", scale: "n", stroke: SUCCESS, width: 2, points: { show: true, size: 5 } },
    ],
  };
}

/** Attempts per day (bars) and the successful ones (line). */
export function DailyChart({ points }: { points: readonly DayRead[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || points.every((p) => p.attempts === 0)) return undefined;
    const plot = new uPlot(options(el.clientWidth || 640), dailyColumns(points) as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points]);
  if (points.every((p) => p.attempts === 0)) return <Empty>No checkout attempts in this range.</Empty>;
  return (
    <div>
      <div className="legend">
        <span><span className="swatch" style={{ background: ATTEMPTS }} />Attempts</span>
        <span><span className="swatch" style={{ background: SUCCESS }} />Successful (order, link or test)</span>
      </div>
      <div ref={box} className="chart" style={{ minHeight: 220 }} data-testid="checkout-chart" />
    </div>
  );
}
