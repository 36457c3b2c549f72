import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { RuleRead } from "../../api/models";
import { makeRule } from "../../test/fixtures";
import { json, makeEvent, makeStore, renderWithClient, stubFetch } from "../../test/helpers";
import { RulesPage } from "./RulesPage";

const common = {
  "GET /api/stores": () => json([makeStore()]),
  "GET /api/profiles": () => json([]),
  "GET /api/proxies": () => json([]),
};

describe("RulesPage", () => {
  it("lists rules by priority and backtests one over a date range", async () => {
    const hit = makeEvent({ product_title: "Nike Dunk Low Panda" });
    const seen = stubFetch({
      ...common,
      "GET /api/rules": () => json([makeRule({ id: "low", name: "Fallback", priority: 0 }), makeRule({ id: "high", name: "Dunks first", priority: 10 })]),
      "POST /api/rules/high/backtest": () => json({ matches: [hit], matched: 1, scanned: 40, complete: true, by_store: { s1: 1 }, by_kind: { restock: 1 } }),
    });
    renderWithClient(<RulesPage />);
    const user = userEvent.setup();
    const rows = await screen.findAllByTestId("rule-row");
    expect(rows.map((r) => within(r).getByRole("checkbox").getAttribute("aria-label"))).toEqual(["Dunks first enabled", "Fallback enabled"]);

    await user.click(within(rows[0] as HTMLElement).getByRole("button", { name: "Backtest" }));
    const panel = screen.getByRole("region", { name: "Backtest" });
    await user.clear(within(panel).getByLabelText("From"));
    await user.type(within(panel).getByLabelText("From"), "2026-03-01");
    await user.click(within(panel).getByRole("button", { name: "Run backtest" }));
    expect(await within(panel).findByTestId("backtest-row")).toHaveTextContent("Nike Dunk Low Panda");
    expect(within(panel).getByTestId("backtest-summary")).toHaveTextContent("1 event(s) would have fired");
    const body = (await seen.find((r) => r.url.endsWith("/backtest"))?.clone().json()) as { since: string; until?: string };
    expect(new Date(body.since).getDate()).toBe(1);
    expect(body.until).toBeUndefined();
  });

  it("creates a rule, explaining the keywords as they are typed", async () => {
    let rules: RuleRead[] = [];
    const seen = stubFetch({
      ...common,
      "GET /api/rules": () => json(rules),
      "POST /api/rules": async (req) => {
        const body = (await req.clone().json()) as Partial<RuleRead>;
        rules = [makeRule({ ...body, id: "r9" })];
        return json(rules[0], 201);
      },
    });
    renderWithClient(<RulesPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "New rule" }));
    const form = screen.getByRole("form", { name: "Rule" });
    await user.type(within(form).getByRole("textbox", { name: "Name" }), "Panda");
    await user.type(within(form).getByRole("textbox", { name: "Keywords" }), "+dunk -kids");
    expect(within(form).getByTestId("keyword-explain")).toHaveTextContent("with “dunk”, without “kids”");
    await user.type(within(form).getByRole("textbox", { name: "Try a title" }), "Dunk Low Kids");
    expect(within(form).getByText("no match")).toBeInTheDocument();
    await user.click(within(form).getByRole("checkbox", { name: "Kith" }));
    await user.click(within(form).getByRole("button", { name: "Create rule" }));
    expect(await screen.findByRole("checkbox", { name: "Panda enabled" })).toBeChecked();
    expect(await seen.find((r) => r.method === "POST")?.clone().json()).toMatchObject({
      name: "Panda",
      keywords: "+dunk -kids",
      store_ids: ["s1"],
      events: ["new_product", "new_variant", "restock"],
    });
  });
});
