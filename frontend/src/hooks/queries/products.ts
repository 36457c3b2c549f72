/** Products: search (cursor-paged), detail and history. */
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";
import type { ProductPage } from "../../api/models";

export interface ProductSearch {
  q?: string;
  store_id?: string;
  size?: string;
  style_code?: string;
  available?: boolean;
}

export const productKeys = {
  all: ["products"] as const,
  lists: () => [...productKeys.all, "list"] as const,
  list: (search: ProductSearch) => [...productKeys.lists(), search] as const,
  detail: (storeId: string, productId: string) => [...productKeys.all, "detail", storeId, productId] as const,
  history: (storeId: string, productId: string) =>
    [...productKeys.detail(storeId, productId), "history"] as const,
};

const PAGE = 48;

export const productsInfiniteQuery = (search: ProductSearch) =>
  infiniteQueryOptions({
    queryKey: productKeys.list(search),
    queryFn: ({ pageParam, signal }) =>
      unwrap(
        api.GET("/api/products", {
          params: {
            query: {
              q: search.q || undefined,
              store_id: search.store_id || undefined,
              size: search.size || undefined,
              style_code: search.style_code || undefined,
              available: search.available,
              cursor: pageParam ?? undefined,
              limit: PAGE,
            },
          },
          signal,
        }),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last: ProductPage) => last.next_cursor,
  });

export const productQuery = (storeId: string, productId: string) =>
  queryOptions({
    queryKey: productKeys.detail(storeId, productId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/products/{store_id}/{product_id}", {
          params: { path: { store_id: storeId, product_id: productId } },
          signal,
        }),
      ),
  });

export const productHistoryQuery = (storeId: string, productId: string) =>
  queryOptions({
    queryKey: productKeys.history(storeId, productId),
    queryFn: ({ signal }) =>
      unwrap(
        api.GET("/api/products/{store_id}/{product_id}/history", {
          params: { path: { store_id: storeId, product_id: productId } },
          signal,
        }),
      ),
  });
