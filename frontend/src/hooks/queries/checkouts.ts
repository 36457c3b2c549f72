/** Checkout history (attempts, cursor-paged) and its stats per store and mode. */
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { AttemptStatus, CheckoutPage, TaskMode } from "../../api/models";

export interface CheckoutListParams {
  store_id?: string;
  mode?: TaskMode;
  status?: AttemptStatus;
  /** ISO timestamp */
  since?: string;
}

export const checkoutKeys = {
  all: ["checkouts"] as const,
  pages: () => [...checkoutKeys.all, "pages"] as const,
  paged: (params: CheckoutListParams) => [...checkoutKeys.pages(), params] as const,
  stats: (since: string | null) => [...checkoutKeys.all, "stats", since ?? "*"] as const,
};

const PAGE = 50;

export const checkoutsInfiniteQuery = (params: CheckoutListParams) =>
  infiniteQueryOptions({
    queryKey: checkoutKeys.paged(params),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/checkouts", {
          params: {
            query: {
              store_id: params.store_id || undefined,
              mode: params.mode || undefined,
              status: params.status ? [params.status] : undefined,
              since: params.since || undefined,
              cursor: pageParam ?? undefined,
              limit: PAGE,
            },
          },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last: CheckoutPage) => last.next_cursor,
  });

export const checkoutStatsQuery = (since: string | null = null) =>
  queryOptions({
    queryKey: checkoutKeys.stats(since),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/checkouts/stats", { params: { query: { since: since ?? undefined } }, signal })),
  });
