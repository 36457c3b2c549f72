import type { InfiniteData } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import type { EventPage, StoreRead } from "../api/models";
import { useLiveStore } from "../store/live";
import { makeEvent, makeStore, newQueryClient } from "../test/helpers";
import { applyLiveMessage } from "./liveCache";
import { channelKeys } from "./queries/channels";
import { eventKeys } from "./queries/events";
import { productKeys } from "./queries/products";
import { storeKeys } from "./queries/stores";

describe("applyLiveMessage", () => {
  it("prepends an event to every cached list it belongs in, and to no other", () => {
    const client = newQueryClient();
    const old = makeEvent({ store_id: "s1" });
    const all = eventKeys.list({ limit: 2 });
    const sameStore = eventKeys.list({ store_id: "s1", limit: 50 });
    const otherStore = eventKeys.list({ store_id: "s2", limit: 50 });
    const onlySoldOut = eventKeys.list({ kind: ["sold_out"], limit: 50 });
    for (const key of [all, sameStore, otherStore, onlySoldOut]) client.setQueryData<EventPage>(key, { items: [old], next_cursor: null });

    const fresh = makeEvent({ store_id: "s1", kind: "restock" });
    applyLiveMessage(client, { type: "event", data: fresh });
    applyLiveMessage(client, { type: "event", data: fresh }); // a repeat changes nothing

    expect(client.getQueryData<EventPage>(all)?.items.map((e) => e.id)).toEqual([fresh.id, old.id]);
    expect(client.getQueryData<EventPage>(sameStore)?.items.map((e) => e.id)).toEqual([fresh.id, old.id]);
    expect(client.getQueryData<EventPage>(otherStore)?.items.map((e) => e.id)).toEqual([old.id]);
    expect(client.getQueryData<EventPage>(onlySoldOut)?.items.map((e) => e.id)).toEqual([old.id]);
    expect(useLiveStore.getState().feed.map((e) => e.id)).toEqual([fresh.id]);
  });

  it("keeps a full page at its size", () => {
    const client = newQueryClient();
    const key = eventKeys.list({ limit: 2 });
    client.setQueryData<EventPage>(key, { items: [makeEvent(), makeEvent()], next_cursor: "c" });
    const fresh = makeEvent();
    applyLiveMessage(client, { type: "event", data: fresh });
    const page = client.getQueryData<EventPage>(key);
    expect(page?.items).toHaveLength(2);
    expect(page?.items[0]?.id).toBe(fresh.id);
  });

  it("grows the first page of the paged history", () => {
    const client = newQueryClient();
    const key = eventKeys.paged({ limit: 100 });
    const old = makeEvent();
    client.setQueryData<InfiniteData<EventPage, string | null>>(key, {
      pages: [{ items: [old], next_cursor: null }],
      pageParams: [null],
    });
    const fresh = makeEvent();
    applyLiveMessage(client, { type: "event", data: fresh });
    expect(client.getQueryData<InfiniteData<EventPage, string | null>>(key)?.pages[0]?.items.map((e) => e.id)).toEqual([
      fresh.id,
      old.id,
    ]);
  });

  it("ignores events older than a list's lower bound", () => {
    const client = newQueryClient();
    const key = eventKeys.list({ since: "2025-03-02T00:00:00Z", limit: 500 });
    client.setQueryData<EventPage>(key, { items: [], next_cursor: null });
    applyLiveMessage(client, { type: "event", data: makeEvent({ detected_at: "2025-03-01T23:59:59Z" }) });
    expect(client.getQueryData<EventPage>(key)?.items).toEqual([]);
  });

  it("marks the product's detail stale", () => {
    const client = newQueryClient();
    const key = productKeys.detail("s1", "p1");
    client.setQueryData(key, { title: "x" });
    applyLiveMessage(client, { type: "event", data: makeEvent({ store_id: "s1", product_id: "p1" }) });
    expect(client.getQueryState(key)?.isInvalidated).toBe(true);
  });

  it("writes store health into the cached store list", () => {
    const client = newQueryClient();
    client.setQueryData<StoreRead[]>(storeKeys.list(), [makeStore({ id: "s1" }), makeStore({ id: "s2" })]);
    applyLiveMessage(client, {
      type: "store_health",
      data: { store_id: "s2", status: "blocked", last_error: "challenge page", last_latency_ms: 900, polls: 42 },
    });
    const [s1, s2] = client.getQueryData<StoreRead[]>(storeKeys.list()) ?? [];
    expect(s1?.health?.status).toBe("healthy");
    expect(s2?.health).toMatchObject({ status: "blocked", last_error: "challenge page", blocked_reason: "challenge page", polls: 42 });
  });

  it("refetches the store list when health names a store it does not have", () => {
    const client = newQueryClient();
    client.setQueryData<StoreRead[]>(storeKeys.list(), [makeStore({ id: "s1" })]);
    applyLiveMessage(client, {
      type: "store_health",
      data: { store_id: "new", status: "healthy", last_error: null, last_latency_ms: 10, polls: 1 },
    });
    expect(client.getQueryState(storeKeys.list())?.isInvalidated).toBe(true);
  });

  it("records deliveries and marks the delivery log stale", () => {
    const client = newQueryClient();
    const key = channelKeys.deliveries(null);
    client.setQueryData(key, []);
    applyLiveMessage(client, {
      type: "notification",
      data: { outbox_id: "o1", event_id: "e1", channel_id: "c1", status: "failed", error: "401 webhook gone" },
    });
    expect(client.getQueryState(key)?.isInvalidated).toBe(true);
    expect(useLiveStore.getState().notifications[0]?.status).toBe("failed");
  });

  it("notes the time of every message, pings included", () => {
    applyLiveMessage(newQueryClient(), { type: "ping" }, 1234);
    expect(useLiveStore.getState().lastMessageAt).toBe(1234);
  });
});
