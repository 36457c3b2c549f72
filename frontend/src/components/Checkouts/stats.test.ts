import { describe, expect, it } from "vitest";
import { dailyColumns, formatRate, successes } from "./stats";

const day = (d: string, attempts: number, succeeded: number, link_ready = 0) => ({ day: d, attempts, succeeded, link_ready, test_passed: 0 });

describe("checkout stats", () => {
  it("formats rates", () => {
    expect(formatRate(0.8333)).toBe("83%");
    expect(formatRate(0)).toBe("0%");
    expect(formatRate(null)).toBe("—");
  });

  it("counts links and passed tests as successes, as the backend's rate does", () => {
    expect(successes({ succeeded: 1, link_ready: 2, test_passed: 3 })).toBe(6);
  });

  it("sorts days and fills the gaps with zeros for the chart", () => {
    const [xs, attempts, ok] = dailyColumns([day("2026-03-03", 2, 1), day("2026-03-01", 5, 1, 2)]);
    expect(xs).toEqual([Date.UTC(2026, 2, 1) / 1000, Date.UTC(2026, 2, 2) / 1000, Date.UTC(2026, 2, 3) / 1000]);
    expect(attempts).toEqual([5, 0, 2]);
    expect(ok).toEqual([3, 0, 1]);
    expect(dailyColumns([])).toEqual([[], [], []]);
  });
});
