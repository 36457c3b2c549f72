import { fireEvent, render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { DeliveryRead } from "../../api/models";
import { makeEvent, makeStore } from "../../test/helpers";
import { Counters } from "./Counters";
import { LiveFeed } from "./LiveFeed";
import { deliveryCounts, healthSummary, latencySeries, mergeFeed } from "./dashboard";

describe("dashboard helpers", () => {
  it("merges live and fetched events newest first, once each", () => {
    const a = makeEvent({ detected_at: "2025-03-01T12:00:01Z" });
    const b = makeEvent({ detected_at: "2025-03-01T12:00:03Z" });
    const c = makeEvent({ detected_at: "2025-03-01T12:00:02Z" });
    expect(mergeFeed([b], [c, a, b]).map((e) => e.id)).toEqual([b.id, c.id, a.id]);
  });
  it("orders latencies oldest first and skips unknowns", () => {
    const events = [
      makeEvent({ detected_at: "2025-03-01T12:00:03Z", changed_at: "2025-03-01T12:00:00Z" }),
      makeEvent({ detected_at: "2025-03-01T12:00:01Z", changed_at: "2025-03-01T12:00:00.500Z" }),
      makeEvent({ changed_at: null }),
    ];
    expect(latencySeries(events)).toEqual([500, 3000]);
  });
  it("counts today's deliveries by outcome", () => {
    const d = (status: DeliveryRead["status"], created_at: string): DeliveryRead => ({
      id: created_at + status,
      event_id: "e",
      channel_id: "c",
      event_kind: "restock",
      product_title: null,
      status,
      attempts: 1,
      last_error: null,
      created_at,
      sent_at: null,
    });
    const since = Date.parse("2025-03-01T00:00:00Z");
    const list = [d("sent", "2025-03-01T10:00:00Z"), d("failed", "2025-03-01T11:00:00Z"), d("sent", "2025-02-28T10:00:00Z"), d("pending", "2025-03-01T12:00:00Z")];
    expect(deliveryCounts(list, since)).toEqual({ sent: 1, failed: 1, pending: 1 });
  });
  it("counts paused stores apart", () => {
    const stores = [makeStore(), makeStore({ id: "2", enabled: false, health: null }), makeStore({ id: "3", health: { ...makeStore().health!, status: "blocked" } })];
    expect(healthSummary(stores)).toEqual({ healthy: 1, degraded: 0, blocked: 1, paused: 1 });
  });
});

describe("Counters", () => {
  it("shows events by kind, alerts, health and latency", () => {
    render(
      <Counters
        eventsToday={[makeEvent({ kind: "restock" }), makeEvent({ kind: "restock" }), makeEvent({ kind: "sold_out" })]}
        moreToday
        alerts={{ sent: 4, failed: 1, pending: 0 }}
        stores={[makeStore(), makeStore({ id: "x", enabled: false, health: null })]}
        latencies={[800, 1200, 900]}
      />,
    );
    expect(screen.getByTestId("events-today")).toHaveTextContent("3+");
    const events = screen.getByRole("region", { name: "Events today" });
    expect(within(events).getByText("Restock").parentElement).toHaveTextContent("Restock 2");
    expect(screen.getByRole("region", { name: "Alerts today" })).toHaveTextContent("failed 1");
    expect(screen.getByRole("region", { name: "Stores" })).toHaveTextContent("1/1");
    expect(screen.getByRole("region", { name: "Detection latency" })).toHaveTextContent("p95 1.2 s");
  });
});

describe("LiveFeed", () => {
  it("lists events with sizes, price and a link to the product", () => {
    const e = makeEvent({ product_title: "Jordan 4 Bred", store_id: "kith", product_id: "42" });
    render(<LiveFeed events={[e]} fresh={new Set([e.id])} />);
    const item = screen.getByTestId("feed-item");
    expect(item).toHaveClass("fresh");
    expect(item).toHaveTextContent("Restock");
    expect(item).toHaveTextContent("sizes: 9, 10");
    expect(item).toHaveTextContent("$110.00");
    expect(within(item).getByRole("link", { name: "Jordan 4 Bred" })).toHaveAttribute("href", "/products/kith/42");
  });
  it("says when there is nothing yet", () => {
    render(<LiveFeed events={[]} fresh={new Set()} />);
    expect(screen.getByText(/No events yet/)).toBeInTheDocument();
  });
});

describe("product images", () => {
  it("fall back to the monogram when the image fails", () => {
    const e = makeEvent({ image: "https://cdn.example/x.jpg", product_title: "New Balance 990" });
    const { container } = render(<LiveFeed events={[e]} fresh={new Set()} />);
    const img = container.querySelector("img") as HTMLImageElement;
    expect(img).toHaveAttribute("src", "https://cdn.example/x.jpg");
    expect(container).toHaveTextContent("NB");
    fireEvent.error(img);
    expect(container.querySelector("img")).toBeNull();
  });
});
