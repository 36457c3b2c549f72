import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ChannelRead, StoreRead } from "../../api/models";
import { channelsQuery, useCreateChannel, useDeleteChannel, useTestChannel, useUpdateChannel } from "../../hooks/queries/channels";
import { storesQuery } from "../../hooks/queries/stores";
import { formatPrice, formatSizes, kindLabel } from "../../lib/format";
import { useUiStore } from "../../store/ui";
import { Modal } from "../common/Modal";
import { Empty, ErrorMessage, Loading, errorText } from "../common/States";
import { ChannelForm } from "./ChannelForm";
import { DeliveryLog } from "./DeliveryLog";
import { formFromChannel, toChannelCreate, toChannelUpdate } from "./channelForm";

function routeSummary(c: ChannelRead, stores: readonly StoreRead[]): string {
  const parts = [c.events.length === 7 ? "all events" : c.events.map(kindLabel).join(", ")];
  if (c.keywords) parts.push(`keywords “${c.keywords}”`);
  if (c.sizes.length) parts.push(`sizes ${formatSizes(c.sizes)}`);
  if (c.max_price !== null) parts.push(`≤ ${formatPrice(c.max_price)}`);
  if (c.store_ids.length) {
    const names = new Map(stores.map((s) => [s.id, s.name || s.url]));
    parts.push(`stores: ${c.store_ids.map((id) => names.get(id) ?? id).join(", ")}`);
  }
  return parts.join(" · ");
}

function ChannelCard({ channel, stores, onEdit }: { channel: ChannelRead; stores: readonly StoreRead[]; onEdit: () => void }) {
  const test = useTestChannel();
  const update = useUpdateChannel();
  const remove = useDeleteChannel();
  const toast = useUiStore((s) => s.toast);
  const sendTest = () =>
    test.mutate(channel.id, {
      onSuccess: (r) =>
        r.outcome === "sent"
          ? toast(`Test alert sent to ${channel.name || channel.kind}`, "ok")
          : toast(`Test not delivered (${r.outcome}): ${r.detail || "no detail"}`, "error"),
      onError: (e) => toast(errorText(e), "error"),
    });
  const del = () => {
    if (!window.confirm(`Delete channel ${channel.name || channel.kind}?`)) return;
    remove.mutate(channel.id, { onError: (e) => toast(errorText(e), "error") });
  };
  return (
    <article className="panel channel" data-testid="channel">
      <div style={{ minWidth: 0, flex: 1 }} className="stack">
        <div className="row">
          <b>{channel.name || channel.kind}</b>
          <span className="badge badge-muted">{channel.kind}</span>
          {channel.enabled ? <span className="badge badge-ok">active</span> : <span className="badge badge-bad" title={channel.disabled_reason ?? undefined}>off{channel.disabled_reason ? `: ${channel.disabled_reason}` : ""}</span>}
        </div>
        <code className="faint ellipsis">{channel.url}</code>
        <div className="muted" style={{ fontSize: 12 }}>{routeSummary(channel, stores)}</div>
      </div>
      <div className="row">
        <button type="button" className="small" onClick={sendTest} disabled={test.isPending}>
          {test.isPending ? "Sending…" : "Send test"}
        </button>
        <button type="button" className="ghost small" onClick={() => update.mutate({ id: channel.id, changes: { enabled: !channel.enabled } }, { onError: (e) => toast(errorText(e), "error") })}>
          {channel.enabled ? "Disable" : "Enable"}
        </button>
        <button type="button" className="ghost small" onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="ghost small danger" onClick={del}>
          Delete
        </button>
      </div>
    </article>
  );
}

export function NotificationsPage() {
  const channels = useQuery(channelsQuery());
  const stores = useQuery(storesQuery());
  const create = useCreateChannel();
  const update = useUpdateChannel();
  const toast = useUiStore((s) => s.toast);
  const [editing, setEditing] = useState<ChannelRead | "new" | null>(null);
  const close = () => {
    setEditing(null);
    create.reset();
    update.reset();
  };
  const storeList = stores.data ?? [];

  return (
    <div className="page">
      <section className="panel">
        <header className="panel-head">
          <h2>Channels</h2>
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            Add channel
          </button>
        </header>
        <div className="panel-body">
          {channels.isPending ? (
            <Loading />
          ) : channels.isError ? (
            <ErrorMessage error={channels.error} retry={() => void channels.refetch()} />
          ) : channels.data.length === 0 ? (
            <Empty>No channels. Add a Discord webhook to get alerts.</Empty>
          ) : (
            <div className="channel-list">
              {channels.data.map((c) => (
                <ChannelCard key={c.id} channel={c} stores={storeList} onEdit={() => setEditing(c)} />
              ))}
            </div>
          )}
        </div>
      </section>
      <DeliveryLog channels={channels.data ?? []} />
      {editing === "new" ? (
        <Modal title="Add channel" onClose={close}>
          <ChannelForm
            stores={storeList}
            submitLabel="Add channel"
            busy={create.isPending}
            error={create.error}
            onCancel={close}
            onSubmit={(values) =>
              create.mutate(toChannelCreate(values), {
                onSuccess: (c) => {
                  toast(`Channel ${c.name || c.kind} added`, "ok");
                  close();
                },
              })
            }
          />
        </Modal>
      ) : editing ? (
        <Modal title={`Edit ${editing.name || editing.kind}`} onClose={close}>
          <ChannelForm
            initial={formFromChannel(editing)}
            editing
            stores={storeList}
            submitLabel="Save"
            busy={update.isPending}
            error={update.error}
            onCancel={close}
            onSubmit={(values) => update.mutate({ id: editing.id, changes: toChannelUpdate(values) }, { onSuccess: () => close() })}
          />
        </Modal>
      ) : null}
    </div>
  );
}
