/** Stores (monitors): key factory, query options and mutations. */
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ensureOk, unwrap } from "../../api/client";
import type { StoreCreate, StoreRead, StoreUpdate } from "../../api/models";

export const storeKeys = {
  all: ["stores"] as const,
  list: () => [...storeKeys.all, "list"] as const,
  detail: (id: string) => [...storeKeys.all, "detail", id] as const,
};

export const storesQuery = () =>
  queryOptions({
    queryKey: storeKeys.list(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/stores", { signal })),
    // Health also arrives over the socket; this catches what it cannot (latency, counts) now and then.
    refetchInterval: 15_000,
  });

function replaceStore(list: StoreRead[] | undefined, store: StoreRead): StoreRead[] | undefined {
  if (!list) return list;
  const found = list.some((s) => s.id === store.id);
  return found ? list.map((s) => (s.id === store.id ? store : s)) : [...list, store];
}

export function useCreateStore() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: StoreCreate) => unwrap(api.POST("/api/stores", { body })),
    onSuccess: (store) => {
      queryClient.setQueryData(storeKeys.list(), (list: StoreRead[] | undefined) => replaceStore(list, store));
      void queryClient.invalidateQueries({ queryKey: storeKeys.list() });
    },
  });
}

export function useUpdateStore() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: StoreUpdate }) =>
      unwrap(api.PATCH("/api/stores/{store_id}", { params: { path: { store_id: id } }, body: changes })),
    onSuccess: (store) => {
      queryClient.setQueryData(storeKeys.list(), (list: StoreRead[] | undefined) => replaceStore(list, store));
      queryClient.setQueryData(storeKeys.detail(store.id), store);
    },
  });
}

export function useDeleteStore() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ensureOk(api.DELETE("/api/stores/{store_id}", { params: { path: { store_id: id } } })),
    onSuccess: (_void, id) => {
      queryClient.setQueryData(storeKeys.list(), (list: StoreRead[] | undefined) => list?.filter((s) => s.id !== id));
      queryClient.removeQueries({ queryKey: storeKeys.detail(id) });
    },
  });
}
