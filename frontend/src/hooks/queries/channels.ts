/** Notification channels and their delivery log. */
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ensureOk, unwrap } from "../../api/client";
import type { ChannelCreate, ChannelRead, ChannelUpdate, OutboxStatus } from "../../api/models";

export const channelKeys = {
  all: ["channels"] as const,
  list: () => [...channelKeys.all, "list"] as const,
  deliveries: (channelId: string | null, status: OutboxStatus | null = null) =>
    [...channelKeys.all, "deliveries", channelId ?? "*", status ?? "*"] as const,
  allDeliveries: () => [...channelKeys.all, "deliveries"] as const,
};

export const channelsQuery = () =>
  queryOptions({
    queryKey: channelKeys.list(),
    queryFn: ({ signal }) => unwrap(api.GET("/api/channels", { signal })),
  });

export const deliveriesQuery = (channelId: string | null, status: OutboxStatus | null = null, limit = 100) =>
  queryOptions({
    queryKey: channelKeys.deliveries(channelId, status),
    queryFn: ({ signal }) => {
      const query = { status: status ?? undefined, limit };
      return channelId
        ? unwrap(
            api.GET("/api/channels/{channel_id}/deliveries", {
              params: { path: { channel_id: channelId }, query },
              signal,
            }),
          )
        : unwrap(api.GET("/api/deliveries", { params: { query }, signal }));
    },
  });

function upsert(list: ChannelRead[] | undefined, channel: ChannelRead): ChannelRead[] | undefined {
  if (!list) return list;
  return list.some((c) => c.id === channel.id)
    ? list.map((c) => (c.id === channel.id ? channel : c))
    : [...list, channel];
}

export function useCreateChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ChannelCreate) => unwrap(api.POST("/api/channels", { body })),
    onSuccess: (channel) => {
      queryClient.setQueryData(channelKeys.list(), (l: ChannelRead[] | undefined) => upsert(l, channel));
      void queryClient.invalidateQueries({ queryKey: channelKeys.list() });
    },
  });
}

export function useUpdateChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, changes }: { id: string; changes: ChannelUpdate }) =>
      unwrap(api.PATCH("/api/channels/{channel_id}", { params: { path: { channel_id: id } }, body: changes })),
    onSuccess: (channel) => {
      queryClient.setQueryData(channelKeys.list(), (l: ChannelRead[] | undefined) => upsert(l, channel));
    },
  });
}

export function useDeleteChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      ensureOk(api.DELETE("/api/channels/{channel_id}", { params: { path: { channel_id: id } } })),
    onSuccess: (_void, id) => {
      queryClient.setQueryData(channelKeys.list(), (l: ChannelRead[] | undefined) => l?.filter((c) => c.id !== id));
      void queryClient.invalidateQueries({ queryKey: channelKeys.allDeliveries() });
    },
  });
}

export function useTestChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/api/channels/{channel_id}/test", { params: { path: { channel_id: id } } })),
    onSettled: () => {
      // A test may disable a channel whose webhook is gone.
      void queryClient.invalidateQueries({ queryKey: channelKeys.list() });
    },
  });
}
