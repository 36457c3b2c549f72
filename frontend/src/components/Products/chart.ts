/** History points -> uPlot's column data: x in seconds, price in currency units, sizes in stock. */
import type { ProductPoint } from "../../api/models";

export type ChartColumns = [number[], (number | null)[], number[]];

export function chartColumns(points: readonly ProductPoint[], now?: number): ChartColumns {
  const sorted = [...points].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const xs: number[] = [];
  const prices: (number | null)[] = [];
  const stock: number[] = [];
  for (const p of sorted) {
    const t = Date.parse(p.at) / 1000;
    if (!Number.isFinite(t)) continue;
    xs.push(t);
    prices.push(p.price === null ? null : p.price / 100);
    stock.push(p.in_stock_count);
  }
  // Carry the last state to "now" so a step chart shows how long it has lasted.
  const last = xs.length - 1;
  if (now !== undefined && last >= 0 && now / 1000 > (xs[last] as number)) {
    xs.push(now / 1000);
    prices.push(prices[last] ?? null);
    stock.push(stock[last] as number);
  }
  return [xs, prices, stock];
}
