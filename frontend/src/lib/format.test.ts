import { describe, expect, it } from "vitest";
import {
  detectionLatencyMs,
  eventSizes,
  formatDuration,
  formatPrice,
  formatSizes,
  monogram,
  parseList,
  parsePriceToCents,
  percentile,
  relativeTime,
  sortSizes,
} from "./format";

describe("formatPrice", () => {
  it("formats cents with grouping", () => {
    expect(formatPrice(12345)).toBe("$123.45");
    expect(formatPrice(145000)).toBe("$1,450.00");
    expect(formatPrice(5)).toBe("$0.05");
    expect(formatPrice(-250)).toBe("-$2.50");
  });
  it("shows a dash for no price", () => {
    expect(formatPrice(null)).toBe("—");
    expect(formatPrice(undefined)).toBe("—");
  });
});

describe("parsePriceToCents", () => {
  it("reads what people type", () => {
    expect(parsePriceToCents("250")).toBe(25000);
    expect(parsePriceToCents("$199.99")).toBe(19999);
    expect(parsePriceToCents("1,200.5")).toBe(120050);
  });
  it("refuses nonsense", () => {
    expect(parsePriceToCents("")).toBeNull();
    expect(parsePriceToCents("abc")).toBeNull();
    expect(parsePriceToCents("1.234")).toBeNull();
  });
});

describe("relativeTime", () => {
  const now = Date.parse("2025-03-01T12:00:00Z");
  it.each([
    ["2025-03-01T11:59:58Z", "just now"],
    ["2025-03-01T11:59:18Z", "42s ago"],
    ["2025-03-01T11:55:00Z", "5m ago"],
    ["2025-03-01T09:00:00Z", "3h ago"],
    ["2025-02-27T12:00:00Z", "2d ago"],
    ["2025-01-01T00:00:00Z", "2025-01-01"],
  ])("%s -> %s", (at, text) => {
    expect(relativeTime(at, now)).toBe(text);
  });
  it("says never for no time", () => {
    expect(relativeTime(null, now)).toBe("never");
  });
});

describe("formatDuration", () => {
  it.each([
    [850, "850 ms"],
    [1234, "1.2 s"],
    [125_000, "2m 5s"],
    [7_260_000, "2h 1m"],
  ])("%d ms -> %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("sizes", () => {
  it("sorts numeric, then letters, then anything else", () => {
    expect(sortSizes(["10", "9.5", "XL", "S", "8", "One Size", "M"])).toEqual(["8", "9.5", "10", "S", "M", "XL", "One Size"]);
  });
  it("shortens long lists", () => {
    expect(formatSizes(["9", "8", "10"], 2)).toBe("8, 9 +1 more");
    expect(formatSizes([])).toBe("none");
  });
  it("picks the sizes an event is about", () => {
    const variants = [
      { id: "1", size: "10", price: 1, available: true },
      { id: "2", size: "9", price: 1, available: false },
    ];
    expect(eventSizes({ kind: "restock", variants })).toEqual(["10"]);
    expect(eventSizes({ kind: "sold_out", variants })).toEqual(["9", "10"]);
  });
  it("parses a typed list", () => {
    expect(parseList("8, 9.5,,10 \n 11")).toEqual(["8", "9.5", "10", "11"]);
  });
});

describe("detectionLatencyMs", () => {
  it("is detected minus changed", () => {
    expect(detectionLatencyMs({ detected_at: "2025-03-01T12:00:01.500Z", changed_at: "2025-03-01T12:00:00Z" })).toBe(1500);
  });
  it("is unknown without a change time or when clocks disagree", () => {
    expect(detectionLatencyMs({ detected_at: "2025-03-01T12:00:00Z", changed_at: null })).toBeNull();
    expect(detectionLatencyMs({ detected_at: "2025-03-01T12:00:00Z", changed_at: "2025-03-01T12:00:09Z" })).toBeNull();
  });
});

describe("percentile", () => {
  it("uses nearest rank", () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile([], 50)).toBeNull();
  });
});

describe("monogram", () => {
  it("takes the first letters of two words", () => {
    expect(monogram("New Balance")).toBe("NB");
    expect(monogram("ASICS")).toBe("A");
    expect(monogram("Nike Dunk Low - Panda")).toBe("ND");
    expect(monogram("")).toBe("?");
  });
});
