/** Proxy lists, their tester, and which store polls through which list. Passwords never come back. */
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ensureOk, unwrap } from "../../api/client";
import type { ProxyListCreate, ProxyListRead, ProxyListUpdate, StoreProxyRead } from "../../api/models";

export const proxyKeys = {
  all: ["proxies"] as const,
  lists: () => [...proxyKeys.all, "lists"] as const,
  assignments: () => [...proxyKeys.all, "assignments"] as const,
};

export const proxyListsQuery = () =>
  queryOptions({
    queryKey: proxyKeys.lists(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/proxies", { signal })),
  });

export const proxyAssignmentsQuery = () =>
  queryOptions({
    queryKey: proxyKeys.assignments(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/proxies/assignments", { signal })),
  });

function upsert(list: ProxyListRead[] | undefined, item: ProxyListRead): ProxyListRead[] | undefined {
  if (!list) return list;
  return list.some((p) => p.id === item.id) ? list.map((p) => (p.id === item.id ? item : p)) : [...list, item];
}

export function useCreateProxyList() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProxyListCreate) => unwrap(api.POST("/api/proxies", { body })),
    onSuccess: (item) => {
      queryClient.setQueryData(proxyKeys.lists(), (l: ProxyListRead[] | undefined) => upsert(l, item));
      void queryClient.invalidateQueries({ queryKey: proxyKeys.lists() });
    },
  });
}

export function useUpdateProxyList() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: ProxyListUpdate }) =>
      unwrap(api.PATCH("/api/proxies/{list_id}", { params: { path: { list_id: id } }, body: changes })),
    onSuccess: (item) => {
      queryClient.setQueryData(proxyKeys.lists(), (l: ProxyListRead[] | undefined) => upsert(l, item));
      // A store's sticky proxy may change with the list.
      void queryClient.invalidateQueries({ queryKey: proxyKeys.assignments() });
    },
  });
}

export function useDeleteProxyList() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ensureOk(api.DELETE("/api/proxies/{list_id}", { params: { path: { list_id: id } } })),
    onSuccess: (_void, id) => {
      queryClient.setQueryData(proxyKeys.lists(), (l: ProxyListRead[] | undefined) => l?.filter((p) => p.id !== id));
      void queryClient.invalidateQueries({ queryKey: proxyKeys.assignments() });
    },
  });
}

/** One GET through each proxy of the list; results are not cached (each run is a fresh measurement). */
export function useTestProxyList() {
  return useMutation({
    mutationFn: ({ id, url, timeout }: { id: string; url: string; timeout: number }) =>
      unwrap(api.POST("/api/proxies/{list_id}/test", { params: { path: { list_id: id } }, body: { url, timeout } })),
  });
}

export function useAssignStoreProxy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ storeId, listId }: { storeId: string; listId: string | null }) =>
      unwrap(
        api.PUT("/api/proxies/assignments/stores/{store_id}", {
          params: { path: { store_id: storeId } },
          body: { proxy_list_id: listId },
        }),
      ),
    onSuccess: (assignment) => {
      queryClient.setQueryData(proxyKeys.assignments(), (l: StoreProxyRead[] | undefined) => {
        if (!l) return l;
        const rest = l.filter((a) => a.store_id !== assignment.store_id);
        return assignment.proxy_list_id ? [...rest, assignment] : rest;
      });
    },
  });
}
