/**
 * What each socket message does to the caches: hot changes go straight into the cached data
 * (setQueryData), everything else marks the specific keys stale (invalidateQueries).
 */
import type { InfiniteData, QueryClient } from "@tanstack/react-query";
import type { EventPage, EventRead, StoreRead } from "../api/models";
import { useLiveStore } from "../store/live";
import type { StoreHealthMessage, WsMessage } from "../types/ws";
import { channelKeys } from "./queries/channels";
import { eventKeys, eventMatches, prependToPage, prependToPages, type EventListParams } from "./queries/events";
import { productKeys } from "./queries/products";
import { storeKeys } from "./queries/stores";

export function applyLiveMessage(queryClient: QueryClient, message: WsMessage, now: number = Date.now()): void {
  const live = useLiveStore.getState();
  live.touch(now);
  switch (message.type) {
    case "event":
      live.pushEvent(message.data);
      applyEvent(queryClient, message.data);
      return;
    case "store_health":
      applyStoreHealth(queryClient, message.data);
      return;
    case "notification":
      live.pushNotification(message.data);
      void queryClient.invalidateQueries({ queryKey: channelKeys.allDeliveries() });
      return;
    case "ping":
      return;
  }
}

function paramsOf(key: readonly unknown[]): EventListParams {
  const params = key[2];
  return params && typeof params === "object" ? (params as EventListParams) : {};
}

export function applyEvent(queryClient: QueryClient, event: EventRead): void {
  for (const [key] of queryClient.getQueriesData<EventPage>({ queryKey: eventKeys.lists() })) {
    const params = paramsOf(key);
    if (eventMatches(event, params)) {
      queryClient.setQueryData<EventPage>(key, (page) => prependToPage(page, event, params.limit ?? 50));
    }
  }
  for (const [key] of queryClient.getQueriesData<InfiniteData<EventPage, string | null>>({
    queryKey: eventKeys.pages(),
  })) {
    if (eventMatches(event, paramsOf(key))) {
      queryClient.setQueryData<InfiniteData<EventPage, string | null>>(key, (data) => prependToPages(data, event));
    }
  }
  if (event.product_id) {
    void queryClient.invalidateQueries({ queryKey: productKeys.detail(event.store_id, event.product_id) });
    void queryClient.invalidateQueries({ queryKey: productKeys.lists(), refetchType: "none" });
  }
}

export function applyStoreHealth(queryClient: QueryClient, health: StoreHealthMessage): void {
  const stores = queryClient.getQueryData<StoreRead[]>(storeKeys.list());
  if (!stores) return;
  const store = stores.find((s) => s.id === health.store_id);
  if (!store) {
    void queryClient.invalidateQueries({ queryKey: storeKeys.list() });
    return;
  }
  queryClient.setQueryData<StoreRead[]>(storeKeys.list(), (list) =>
    list?.map((s) => (s.id === health.store_id ? withHealth(s, health) : s)),
  );
}

function withHealth(store: StoreRead, h: StoreHealthMessage): StoreRead {
  const previous = store.health;
  return {
    ...store,
    health: {
      blocked_reason: h.status === "blocked" ? (h.last_error ?? previous?.blocked_reason ?? null) : null,
      errors: previous?.errors ?? 0,
      total_errors: previous?.total_errors ?? 0,
      last_success_at: previous?.last_success_at ?? null,
      not_modified_ratio: previous?.not_modified_ratio ?? 0,
      retry_after_until: previous?.retry_after_until ?? null,
      status: h.status,
      last_error: h.last_error,
      last_latency_ms: h.last_latency_ms,
      polls: h.polls,
    },
  };
}
