/** Checkout stats for the screen: rates, and uPlot columns for the daily chart. */
import type { DayRead, TallyRead } from "../../api/models";

/** 0.8333 -> "83%"; null (no finished attempts) -> "—". */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "—";
  return `${Math.round(rate * 100)}%`;
}

/** What counts as a success, as the backend's success rate counts it: an order, a link in front of the
 * person (assist), or a passed test run. */
export function successes(t: Pick<TallyRead, "succeeded" | "link_ready" | "test_passed">): number {
  return t.succeeded + t.link_ready + t.test_passed;
}

export type DailyColumns = [number[], number[], number[]];

/** x in seconds (UTC midnight of each day), attempts, successes; days sorted, gaps filled with zeros. */
export function dailyColumns(points: readonly Pick<DayRead, "day" | "attempts" | "succeeded" | "link_ready" | "test_passed">[]): DailyColumns {
  const byDay = new Map<number, (typeof points)[number]>();
  for (const p of points) {
    const t = Date.parse(`${p.day.slice(0, 10)}T00:00:00Z`);
    if (Number.isFinite(t)) byDay.set(t, p);
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const xs: number[] = [];
  const attempts: number[] = [];
  const ok: number[] = [];
  const first = days[0];
  const last = days.at(-1);
  if (first === undefined || last === undefined) return [xs, attempts, ok];
  for (let t = first; t <= last; t += 86_400_000) {
    const p = byDay.get(t);
    xs.push(t / 1000);
    attempts.push(p?.attempts ?? 0);
    ok.push(p ? successes(p) : 0);
  }
  return [xs, attempts, ok];
}
