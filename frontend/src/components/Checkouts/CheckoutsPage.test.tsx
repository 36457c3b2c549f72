import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { makeAttempt } from "../../test/fixtures";
import { json, makeStore, renderWithClient, stubFetch } from "../../test/helpers";
import { CheckoutsPage } from "./CheckoutsPage";

const tally = (o: Record<string, number>) => ({ attempts: 0, succeeded: 0, link_ready: 0, test_passed: 0, needs_action: 0, failed: 0, open: 0, success_rate: null, ...o });
const lat = (p50: number | null, p95: number | null) => ({ count: p50 === null ? 0 : 1, p50_ms: p50, p95_ms: p95 });

describe("CheckoutsPage", () => {
  it("shows the success rate, latency percentiles per store and mode, and the attempts", async () => {
    stubFetch({
      "GET /api/stores": () => json([makeStore()]),
      "GET /api/checkouts": () => json({ items: [makeAttempt(), makeAttempt({ id: "a2", status: "succeeded", mode: "browser", detection_to_submission_ms: 4200 })], next_cursor: null }),
      "GET /api/checkouts/stats": () =>
        json({
          since: "2026-01-01T00:00:00Z",
          until: "2026-01-31T00:00:00Z",
          truncated: false,
          total: tally({ attempts: 4, succeeded: 1, link_ready: 3, success_rate: 1 }),
          groups: [
            { ...tally({ attempts: 3, link_ready: 2, failed: 1, success_rate: 2 / 3 }), store_id: "s1", store_name: "Kith", mode: "assist", detection_to_link: lat(850, 1900), detection_to_submission: lat(null, null) },
            { ...tally({ attempts: 1, succeeded: 1, success_rate: 1 }), store_id: "s1", store_name: "Kith", mode: "browser", detection_to_link: lat(null, null), detection_to_submission: lat(4200, 4200) },
          ],
          daily: [{ day: "2026-01-30", ...tally({ attempts: 4 }) }],
        }),
    });
    renderWithClient(<CheckoutsPage />);
    expect(await screen.findByTestId("success-rate")).toHaveTextContent("100%");
    const stats = screen.getAllByTestId("stats-row");
    expect(within(stats[0] as HTMLElement).getAllByRole("cell").map((c) => c.textContent)).toEqual(["Kith", "assist", "3", "67%", "850 ms", "1.9 s", "—", "—"]);
    expect(stats[1]).toHaveTextContent("4.2 s");
    const rows = await screen.findAllByTestId("checkout-row");
    expect(rows[0]).toHaveTextContent("link ready");
    expect(rows[0]).toHaveTextContent("850 ms");
    expect(within(rows[0] as HTMLElement).getByRole("link", { name: "Nike Dunk Low Panda" })).toHaveAttribute("href", "/tasks/t1");
  });
});
