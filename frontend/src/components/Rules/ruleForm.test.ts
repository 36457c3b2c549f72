import { describe, expect, it } from "vitest";
import { makeRule } from "../../test/fixtures";
import { EMPTY_RULE_FORM, byPriority, dayToIso, explainKeywords, formFromRule, keywordsMatch, parseKeywords, toRuleCreate, toRuleUpdate, validateRuleForm } from "./ruleForm";

describe("keywords", () => {
  it("reads + and - terms and comma alternatives as the backend does", () => {
    const groups = parseKeywords("+Dunk +low -kids, jordan 1");
    expect(groups).toEqual([
      { required: ["dunk", "low"], excluded: ["kids"] },
      { required: ["jordan", "1"], excluded: [] },
    ]);
    expect(keywordsMatch(groups, "Nike Dunk Low Panda")).toBe(true);
    expect(keywordsMatch(groups, "Nike Dunk Low Kids")).toBe(false);
    expect(keywordsMatch(groups, "Air Jordan 1 High")).toBe(true);
    expect(keywordsMatch(groups, "Air Jordan 11")).toBe(false); // whole words only
    expect(keywordsMatch([], "anything")).toBe(true);
  });

  it("explains them in words", () => {
    expect(explainKeywords(parseKeywords("+dunk -kids, jordan"))).toBe("with “dunk”, without “kids” — or with “jordan”");
    expect(explainKeywords([])).toBe("Any title");
  });
});

describe("rule form", () => {
  it("validates and builds the body in cents with only store-change kinds", () => {
    expect(validateRuleForm(EMPTY_RULE_FORM)).toEqual({ name: "Name is required" });
    expect(validateRuleForm({ ...EMPTY_RULE_FORM, name: "x", kinds: [], mode: "browser" })).toMatchObject({ kinds: expect.any(String), profileId: expect.any(String) });
    const body = toRuleCreate({ ...EMPTY_RULE_FORM, name: " Dunks ", keywords: "+dunk", sizes: "9, 10", maxPrice: "179.99", priority: "5", kinds: ["restock", "new_product"] });
    expect(body).toMatchObject({ name: "Dunks", keywords: "+dunk", sizes: ["9", "10"], max_price: 17999, priority: 5, events: ["new_product", "restock"], profile: null });
  });

  it("sends only what changed", () => {
    const rule = makeRule({ max_price: 18000 });
    const form = formFromRule(rule);
    expect(form.maxPrice).toBe("180.00");
    expect(toRuleUpdate(form, rule)).toEqual({});
    expect(toRuleUpdate({ ...form, priority: "3", enabled: false }, rule)).toEqual({ enabled: false, priority: 3 });
    expect(toRuleUpdate({ ...form, maxPrice: "", kinds: ["restock"] }, rule)).toEqual({ max_price: null, events: ["restock"] });
  });

  it("orders by priority, then age", () => {
    const rules = [
      makeRule({ id: "a", priority: 1, created_at: "2026-01-02T00:00:00Z" }),
      makeRule({ id: "b", priority: 5 }),
      makeRule({ id: "c", priority: 1, created_at: "2026-01-01T00:00:00Z" }),
    ];
    expect(byPriority(rules).map((r) => r.id)).toEqual(["b", "c", "a"]);
  });

  it("turns date inputs into an inclusive ISO range", () => {
    expect(dayToIso("")).toBeNull();
    expect(new Date(dayToIso("2026-03-01") as string).getHours()).toBe(0);
    expect(new Date(dayToIso("2026-03-01", true) as string).getHours()).toBe(23);
  });
});
