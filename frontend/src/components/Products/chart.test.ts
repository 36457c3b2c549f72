import { describe, expect, it } from "vitest";
import { chartColumns } from "./chart";

const point = (at: string, price: number | null, count: number) => ({ at, price, in_stock_count: count, sizes_in_stock: [], kind: "restock" });

describe("chartColumns", () => {
  it("sorts by time and converts cents to currency units", () => {
    const [xs, prices, stock] = chartColumns([point("2025-03-01T12:00:10Z", 12000, 0), point("2025-03-01T12:00:00Z", 11000, 5)]);
    expect(xs).toEqual([Date.parse("2025-03-01T12:00:00Z") / 1000, Date.parse("2025-03-01T12:00:10Z") / 1000]);
    expect(prices).toEqual([110, 120]);
    expect(stock).toEqual([5, 0]);
  });
  it("carries the last state up to now", () => {
    const now = Date.parse("2025-03-01T13:00:00Z");
    const [xs, prices, stock] = chartColumns([point("2025-03-01T12:00:00Z", null, 3)], now);
    expect(xs).toEqual([Date.parse("2025-03-01T12:00:00Z") / 1000, now / 1000]);
    expect(prices).toEqual([null, null]);
    expect(stock).toEqual([3, 3]);
  });
});
