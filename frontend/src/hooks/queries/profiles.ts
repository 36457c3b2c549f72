/** Checkout profiles: key factory, queries, mutations, import and export. Cards come back masked. */
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ensureOk, unwrap } from "../../api/client";
import type { ExchangeFormat, ProfileCreate, ProfileRead, ProfileUpdate } from "../../api/models";
import { unwrapImport } from "../../lib/importReport";

export const profileKeys = {
  all: ["profiles"] as const,
  lists: () => [...profileKeys.all, "list"] as const,
  list: (group: string | null) => [...profileKeys.lists(), group ?? "*"] as const,
  groups: () => [...profileKeys.all, "groups"] as const,
};

export const profilesQuery = (group: string | null = null) =>
  queryOptions({
    queryKey: profileKeys.list(group),
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/profiles", { params: { query: { group: group ?? undefined } }, signal })),
  });

export const profileGroupsQuery = () =>
  queryOptions({
    queryKey: profileKeys.groups(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/profiles/groups", { signal })),
  });

/** Lists and groups both change with any write (a profile may move group). */
function invalidate(queryClient: ReturnType<typeof useQueryClient>): void {
  void queryClient.invalidateQueries({ queryKey: profileKeys.lists() });
  void queryClient.invalidateQueries({ queryKey: profileKeys.groups() });
}

function upsert(list: ProfileRead[] | undefined, profile: ProfileRead): ProfileRead[] | undefined {
  if (!list) return list;
  return list.some((p) => p.id === profile.id) ? list.map((p) => (p.id === profile.id ? profile : p)) : [...list, profile];
}

export function useCreateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ProfileCreate) => unwrap(api.POST("/api/profiles", { body })),
    onSuccess: (profile) => {
      queryClient.setQueryData(profileKeys.list(null), (l: ProfileRead[] | undefined) => upsert(l, profile));
      invalidate(queryClient);
    },
  });
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: ProfileUpdate }) =>
      unwrap(api.PATCH("/api/profiles/{profile_id}", { params: { path: { profile_id: id } }, body: changes })),
    onSuccess: (profile) => {
      queryClient.setQueryData(profileKeys.list(null), (l: ProfileRead[] | undefined) => upsert(l, profile));
      invalidate(queryClient);
    },
  });
}

export function useDeleteProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => ensureOk(api.DELETE("/api/profiles/{profile_id}", { params: { path: { profile_id: id } } })),
    onSuccess: (_void, id) => {
      queryClient.setQueryData(profileKeys.list(null), (l: ProfileRead[] | undefined) => l?.filter((p) => p.id !== id));
      invalidate(queryClient);
    },
  });
}

/** All or nothing: a bad file throws ImportRejected with every problem by row. */
export function useImportProfiles() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { format: ExchangeFormat; content: string }) => unwrapImport(api.POST("/api/profiles/import", { body })),
    onSuccess: () => invalidate(queryClient),
  });
}

export function exportProfiles(format: ExchangeFormat): Promise<string> {
  return unwrap(api.GET("/api/profiles/export", { params: { query: { format } }, parseAs: "text" }));
}
