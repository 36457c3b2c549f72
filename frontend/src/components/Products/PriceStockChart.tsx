import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { ProductPoint } from "../../api/models";
import { Empty } from "../common/States";
import { chartColumns } from "./chart";

const PRICE = "#8b6cff";
const STOCK = "#2ecc71";

function options(width: number): uPlot.Options {
  const axis = { stroke: "#8b93a7", grid: { stroke: "#232937", width: 1 }, ticks: { stroke: "#232937", width: 1 } };
  return {
    width,
    height: 260,
    cursor: { drag: { x: true, y: false } },
    legend: { show: false },
    scales: { x: { time: true }, price: { auto: true }, stock: { auto: true, range: (_u, _min, max) => [0, Math.max(1, max + 1)] } },
    axes: [
      axis,
      { ...axis, scale: "price", values: (_u, ticks) => ticks.map((t) => `$${t.toFixed(0)}`) },
      { ...axis, scale: "stock", side: 1, grid: { show: false }, values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : "")) },
    ],
    series: [
      {},
      { label: "Price", scale: "price", stroke: PRICE, width: 2, paths: uPlot.paths.stepped?.({ align: 1 }), points: { show: true, size: 5 } },
      { label: "Sizes in stock", scale: "stock", stroke: STOCK, width: 2, fill: "#2ecc7118", paths: uPlot.paths.stepped?.({ align: 1 }), points: { show: false } },
    ],
  };
}

/** Price and in-stock sizes over time, as step lines (both change in jumps, not slopes). */
export function PriceStockChart({ points }: { points: readonly ProductPoint[] }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el || points.length === 0) return undefined;
    const plot = new uPlot(options(el.clientWidth || 640), chartColumns(points, Date.now()) as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 260 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points]);

  if (points.length === 0) return <Empty>No history yet.</Empty>;
  return (
    <div>
      <div className="legend">
        <span><span className="swatch" style={{ background: PRICE }} />Price</span>
        <span><span className="swatch" style={{ background: STOCK }} />Sizes in stock</span>
      </div>
      <div ref={box} className="chart" data-testid="price-stock-chart" />
    </div>
  );
}
