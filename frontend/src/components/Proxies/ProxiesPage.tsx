import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ProxyListRead } from "../../api/models";
import { proxyListsQuery, useCreateProxyList, useDeleteProxyList, useUpdateProxyList } from "../../hooks/queries/proxies";
import { relativeTime } from "../../lib/format";
import { useUiStore } from "../../store/ui";
import { Modal } from "../common/Modal";
import { Empty, ErrorMessage, Loading, errorText } from "../common/States";
import { ProxyListForm } from "./ProxyListForm";
import { ProxyTester } from "./ProxyTester";
import { StoreAssignments } from "./StoreAssignments";

function ListDetail({ list, onEdit }: { list: ProxyListRead; onEdit: () => void }) {
  const remove = useDeleteProxyList();
  const toast = useUiStore((s) => s.toast);
  const del = () => {
    if (!window.confirm(`Delete proxy list ${list.name}? Stores on it poll directly again.`)) return;
    remove.mutate(list.id, { onSuccess: () => toast(`Deleted ${list.name}`, "ok"), onError: (e) => toast(errorText(e), "error") });
  };
  return (
    <>
      <section className="panel">
        <header className="panel-head">
          <h2>{list.name}</h2>
          <div className="row">
            <span className="faint">updated {relativeTime(list.updated_at)}</span>
            <button type="button" className="ghost small" onClick={onEdit}>
              Edit
            </button>
            <button type="button" className="ghost small danger" onClick={del} disabled={remove.isPending}>
              Delete
            </button>
          </div>
        </header>
        <table className="table" aria-label="Proxies">
          <thead>
            <tr>
              <th>Proxy</th>
              <th>Scheme</th>
              <th>User</th>
            </tr>
          </thead>
          <tbody>
            {list.proxies.map((p, i) => (
              <tr key={`${p.url}-${i}`} data-testid="proxy-row">
                <td className="mono">{p.host}:{p.port}</td>
                <td>{p.scheme}</td>
                <td className="muted">{p.username ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <ProxyTester list={list} />
    </>
  );
}

export function ProxiesPage() {
  const lists = useQuery(proxyListsQuery());
  const create = useCreateProxyList();
  const update = useUpdateProxyList();
  const toast = useUiStore((s) => s.toast);
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<ProxyListRead | "new" | null>(null);
  const current = lists.data?.find((l) => l.id === selected) ?? lists.data?.[0] ?? null;

  const close = () => {
    setEditing(null);
    create.reset();
    update.reset();
  };

  return (
    <div className="page">
      <div className="grid-side">
        <section className="panel">
          <header className="panel-head">
            <h2>Proxy lists</h2>
            <button type="button" className="primary small" onClick={() => setEditing("new")}>
              New list
            </button>
          </header>
          {lists.isPending ? (
            <Loading />
          ) : lists.isError ? (
            <ErrorMessage error={lists.error} retry={() => void lists.refetch()} />
          ) : lists.data.length === 0 ? (
            <Empty>No proxy lists. Stores and tasks connect directly.</Empty>
          ) : (
            <ul className="pick-list" aria-label="Proxy lists">
              {lists.data.map((l) => (
                <li key={l.id}>
                  <button type="button" className={`pick${current?.id === l.id ? " active" : ""}`} onClick={() => setSelected(l.id)}>
                    <span className="spacer ellipsis">{l.name}</span>
                    <span className="faint num">{l.proxies.length}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="stack">
          {current ? <ListDetail key={current.id} list={current} onEdit={() => setEditing(current)} /> : null}
          <StoreAssignments lists={lists.data ?? []} />
        </div>
      </div>
      {editing === "new" ? (
        <Modal title="New proxy list" onClose={close}>
          <ProxyListForm
            submitLabel="Create list"
            busy={create.isPending}
            error={create.error}
            onCancel={close}
            onSubmit={(v) =>
              create.mutate(
                { name: v.name.trim(), proxies: v.proxies },
                {
                  onSuccess: (l) => {
                    toast(`Created ${l.name} with ${l.proxies.length} proxies`, "ok");
                    setSelected(l.id);
                    close();
                  },
                },
              )
            }
          />
        </Modal>
      ) : editing ? (
        <Modal title={`Edit ${editing.name}`} onClose={close}>
          <ProxyListForm
            initial={{ name: editing.name, proxies: "" }}
            editing
            submitLabel="Save"
            busy={update.isPending}
            error={update.error}
            onCancel={close}
            onSubmit={(v) =>
              update.mutate(
                {
                  id: editing.id,
                  changes: {
                    ...(v.name.trim() !== editing.name ? { name: v.name.trim() } : {}),
                    ...(v.proxies.trim() ? { proxies: v.proxies } : {}),
                  },
                },
                { onSuccess: () => close() },
              )
            }
          />
        </Modal>
      ) : null}
    </div>
  );
}
