import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { StoreRead } from "../../api/models";
import { useCreateStore, useDeleteStore, useUpdateStore, storesQuery } from "../../hooks/queries/stores";
import { formatDuration, relativeTime } from "../../lib/format";
import { useUiStore } from "../../store/ui";
import { HealthBadge, type HealthLike } from "../common/Badges";
import { Modal } from "../common/Modal";
import { Empty, ErrorMessage, Loading, errorText } from "../common/States";
import { StoreForm } from "./StoreForm";
import { formFromStore, toStoreCreate, toStoreUpdate } from "./validate";

function stateOf(store: StoreRead): HealthLike {
  return !store.enabled || !store.health ? "paused" : store.health.status;
}

function StoreRow({ store, onEdit }: { store: StoreRead; onEdit: () => void }) {
  const update = useUpdateStore();
  const remove = useDeleteStore();
  const toast = useUiStore((s) => s.toast);
  const h = store.health;
  const toggle = () =>
    update.mutate(
      { id: store.id, changes: { enabled: !store.enabled } },
      { onError: (e) => toast(errorText(e), "error") },
    );
  const del = () => {
    if (!window.confirm(`Stop watching ${store.name || store.url} and delete it?`)) return;
    remove.mutate(store.id, {
      onSuccess: () => toast(`Deleted ${store.name || store.url}`, "ok"),
      onError: (e) => toast(errorText(e), "error"),
    });
  };
  return (
    <tr data-testid="store-row">
      <td>
        <HealthBadge status={stateOf(store)} />
      </td>
      <td style={{ maxWidth: 260 }}>
        <div className="row" style={{ minWidth: 0 }}>
          <span className="ellipsis" style={{ fontWeight: 500 }}>{store.name || store.url}</span>
          <span className="badge badge-muted">{store.platform}</span>
        </div>
        <a className="faint ellipsis" style={{ display: "block", fontSize: 12 }} href={store.url} target="_blank" rel="noreferrer noopener">
          {store.url}
        </a>
      </td>
      <td className="num">{store.interval}s{store.watch_interval ? <span className="faint"> / {store.watch_interval}s</span> : null}</td>
      <td className="num right">{h?.last_latency_ms != null ? formatDuration(h.last_latency_ms) : "—"}</td>
      <td className="num right" title="Share of polls where nothing had changed (304 or identical body)">
        {h?.polls ?? "—"}
        {h ? <div className="faint" style={{ fontSize: 12 }}>{Math.round(h.not_modified_ratio * 100)}% same</div> : null}
      </td>
      <td className="num right">{h?.total_errors ?? "—"}</td>
      <td className="nowrap muted">{h ? relativeTime(h.last_success_at) : "—"}</td>
      <td style={{ maxWidth: 200 }}>
        <span className="ellipsis" style={{ display: "block", color: h?.last_error ? "#ff9b98" : undefined }} title={h?.last_error ?? undefined}>
          {h?.blocked_reason ?? h?.last_error ?? <span className="faint">—</span>}
        </span>
      </td>
      <td className="actions">
        <button type="button" className="ghost small" onClick={toggle} disabled={update.isPending}>
          {store.enabled ? "Pause" : "Resume"}
        </button>
        <button type="button" className="ghost small" onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="ghost small danger" onClick={del} disabled={remove.isPending}>
          Delete
        </button>
      </td>
    </tr>
  );
}

export function MonitorsPage() {
  const stores = useQuery(storesQuery());
  const create = useCreateStore();
  const update = useUpdateStore();
  const toast = useUiStore((s) => s.toast);
  const [editing, setEditing] = useState<StoreRead | "new" | null>(null);

  const close = () => {
    setEditing(null);
    create.reset();
    update.reset();
  };

  return (
    <div className="page">
      <section className="panel">
        <header className="panel-head">
          <h2>Monitors</h2>
          <button type="button" className="primary" onClick={() => setEditing("new")}>
            Add store
          </button>
        </header>
        {stores.isPending ? (
          <Loading />
        ) : stores.isError ? (
          <ErrorMessage error={stores.error} retry={() => void stores.refetch()} />
        ) : stores.data.length === 0 ? (
          <Empty>No stores yet. Add a Shopify or Footsites store to start watching.</Empty>
        ) : (
          <div style={{ overflowX: "auto" }}>
            <table className="table">
              <thead>
                <tr>
                  <th>Health</th>
                  <th>Store</th>
                  <th>Interval</th>
                  <th className="right">Latency</th>
                  <th className="right">Polls</th>
                  <th className="right">Errors</th>
                  <th>Last success</th>
                  <th>Last error</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {stores.data.map((s) => (
                  <StoreRow key={s.id} store={s} onEdit={() => setEditing(s)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {editing === "new" ? (
        <Modal title="Add store" onClose={close}>
          <StoreForm
            submitLabel="Add store"
            busy={create.isPending}
            error={create.error}
            onCancel={close}
            onSubmit={(values) =>
              create.mutate(toStoreCreate(values), {
                onSuccess: (store) => {
                  toast(`Watching ${store.name || store.url}`, "ok");
                  close();
                },
              })
            }
          />
        </Modal>
      ) : editing ? (
        <Modal title={`Edit ${editing.name || editing.url}`} onClose={close}>
          <StoreForm
            initial={formFromStore(editing)}
            submitLabel="Save"
            platformLocked
            busy={update.isPending}
            error={update.error}
            onCancel={close}
            onSubmit={(values) =>
              update.mutate(
                { id: editing.id, changes: toStoreUpdate(values, editing) },
                { onSuccess: () => close() },
              )
            }
          />
        </Modal>
      ) : null}
    </div>
  );
}
