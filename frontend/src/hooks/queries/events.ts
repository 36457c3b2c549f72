/** Event history: key factory, infinite (cursor) query, and the filter test live events are put through. */
import { infiniteQueryOptions, queryOptions, type InfiniteData } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { EventKind, EventPage, EventRead } from "../../api/models";

export interface EventListParams {
  store_id?: string;
  kind?: EventKind[];
  /** ISO timestamp */
  since?: string;
  limit?: number;
}

export const eventKeys = {
  all: ["events"] as const,
  lists: () => [...eventKeys.all, "list"] as const,
  list: (params: EventListParams) => [...eventKeys.lists(), params] as const,
  pages: () => [...eventKeys.all, "pages"] as const,
  paged: (params: EventListParams) => [...eventKeys.pages(), params] as const,
};

function query(params: EventListParams, cursor: string | null) {
  return {
    store_id: params.store_id || undefined,
    kind: params.kind && params.kind.length > 0 ? params.kind : undefined,
    since: params.since || undefined,
    limit: params.limit ?? 50,
    cursor: cursor ?? undefined,
  };
}

/** One page (the newest `limit`), for the dashboard's counters and recent feed. */
export const eventsQuery = (params: EventListParams) =>
  queryOptions({
    queryKey: eventKeys.list(params),
    queryFn: ({ signal }) => unwrap(api.GET("/api/events", { params: { query: query(params, null) }, signal })),
  });

/** Cursor-paged history for the Events screen. */
export const eventsInfiniteQuery = (params: EventListParams) =>
  infiniteQueryOptions({
    queryKey: eventKeys.paged(params),
    queryFn: ({ pageParam, signal }) =>
      unwrap(api.GET("/api/events", { params: { query: query(params, pageParam) }, signal })),
    initialPageParam: null as string | null,
    getNextPageParam: (last: EventPage) => last.next_cursor,
  });

/** Would the server have returned this event for these list parameters? */
export function eventMatches(event: EventRead, params: EventListParams): boolean {
  if (params.store_id && event.store_id !== params.store_id) return false;
  if (params.kind && params.kind.length > 0 && !params.kind.includes(event.kind)) return false;
  if (params.since && Date.parse(event.detected_at) < Date.parse(params.since)) return false;
  return true;
}

/** Put a live event at the top of a cached page, unless it is there already. */
export function prependToPage(page: EventPage | undefined, event: EventRead, limit: number): EventPage | undefined {
  if (!page || page.items.some((e) => e.id === event.id)) return page;
  const items = [event, ...page.items];
  // A full page keeps its size: the one pushed off the end is on the next page now.
  return { ...page, items: items.length > limit ? items.slice(0, limit) : items };
}

export function prependToPages(
  data: InfiniteData<EventPage, string | null> | undefined,
  event: EventRead,
): InfiniteData<EventPage, string | null> | undefined {
  const first = data?.pages[0];
  if (!data || !first || data.pages.some((p) => p.items.some((e) => e.id === event.id))) return data;
  // Pages after the first stay where their cursors put them; the first just grows by one.
  return { ...data, pages: [{ ...first, items: [event, ...first.items] }, ...data.pages.slice(1)] };
}
