import { describe, expect, it } from "vitest";
import { sampleEvent } from "./embed";
import { keywordsMatch, normalizeSize, whyFiltered, type RouteRules } from "./routing";

describe("keywordsMatch", () => {
  it.each([
    ["", "anything", true],
    ["dunk", "Nike Dunk Low", true],
    ["+dunk -kids", "Nike Dunk Low (Kids)", false],
    ["+dunk -kids, jordan 1", "Air Jordan 1 Kids", true],
    ["jordan 1", "Air Jordan 11", false],
    ["dun", "Nike Dunk Low", false],
  ])("%j vs %j -> %s", (keywords, title, expected) => {
    expect(keywordsMatch(keywords, title)).toBe(expected);
  });
});

describe("normalizeSize", () => {
  it.each([
    ["09.0", "9"],
    ["US 9", "9"],
    ["us9.5", "9.5"],
    ["M", "m"],
  ])("%s -> %s", (raw, norm) => {
    expect(normalizeSize(raw)).toBe(norm);
  });
});

describe("whyFiltered", () => {
  const rules: RouteRules = { events: ["restock"], keywords: "", sizes: [], maxPrice: null };
  const restock = sampleEvent("restock");
  it("passes what the channel wants", () => {
    expect(whyFiltered(rules, restock)).toBeNull();
    expect(whyFiltered({ ...rules, sizes: ["US 9.5"] }, restock)).toBeNull();
  });
  it("says why it would not send", () => {
    expect(whyFiltered({ ...rules, events: ["sold_out"] }, restock)).toContain("kind");
    expect(whyFiltered({ ...rules, keywords: "jordan" }, restock)).toContain("keywords");
    expect(whyFiltered({ ...rules, maxPrice: 10000 }, restock)).toContain("price");
    expect(whyFiltered({ ...rules, sizes: ["12"] }, restock)).toContain("sizes");
  });
});
