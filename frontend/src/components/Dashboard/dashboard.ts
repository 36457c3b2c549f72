/** Pure helpers behind the dashboard's panels. */
import type { DeliveryRead, EventKind, EventRead, StoreRead } from "../../api/models";
import { detectionLatencyMs } from "../../lib/format";

/** Live events and the latest page from the API, newest first, each once. */
export function mergeFeed(live: readonly EventRead[], recent: readonly EventRead[], limit = 50): EventRead[] {
  const seen = new Set<string>();
  const out: EventRead[] = [];
  for (const e of [...live, ...recent]) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  out.sort((a, b) => Date.parse(b.detected_at) - Date.parse(a.detected_at));
  return out.slice(0, limit);
}

export function countByKind(events: readonly EventRead[]): Partial<Record<EventKind, number>> {
  const counts: Partial<Record<EventKind, number>> = {};
  for (const e of events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}

export function deliveryCounts(deliveries: readonly DeliveryRead[], since: number): { sent: number; failed: number; pending: number } {
  const counts = { sent: 0, failed: 0, pending: 0 };
  for (const d of deliveries) {
    if (Date.parse(d.created_at) < since) continue;
    if (d.status === "sent") counts.sent += 1;
    else if (d.status === "failed") counts.failed += 1;
    else counts.pending += 1;
  }
  return counts;
}

/** Detection latencies (ms), oldest first, of the events that say when the store changed. */
export function latencySeries(events: readonly EventRead[], limit = 60): number[] {
  return [...events]
    .sort((a, b) => Date.parse(a.detected_at) - Date.parse(b.detected_at))
    .map(detectionLatencyMs)
    .filter((v): v is number => v !== null)
    .slice(-limit);
}

export type StoreState = "healthy" | "degraded" | "blocked" | "paused";

export function storeState(store: StoreRead): StoreState {
  if (!store.enabled || !store.health) return "paused";
  return store.health.status;
}

export function healthSummary(stores: readonly StoreRead[]): Record<StoreState, number> {
  const out: Record<StoreState, number> = { healthy: 0, degraded: 0, blocked: 0, paused: 0 };
  for (const s of stores) out[storeState(s)] += 1;
  return out;
}

export function startOfDay(now: Date = new Date()): Date {
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  return d;
}
