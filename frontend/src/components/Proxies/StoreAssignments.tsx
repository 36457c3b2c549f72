import { useQuery } from "@tanstack/react-query";
import type { ProxyListRead } from "../../api/models";
import { proxyAssignmentsQuery, useAssignStoreProxy } from "../../hooks/queries/proxies";
import { storesQuery } from "../../hooks/queries/stores";
import { useUiStore } from "../../store/ui";
import { Empty, ErrorMessage, Loading, errorText } from "../common/States";

/** Which list each store polls through. A store uses ONE proxy of its list, never rotating to dodge a block. */
export function StoreAssignments({ lists }: { lists: readonly ProxyListRead[] }) {
  const stores = useQuery(storesQuery());
  const assignments = useQuery(proxyAssignmentsQuery());
  const assign = useAssignStoreProxy();
  const toast = useUiStore((s) => s.toast);
  const byStore = new Map(assignments.data?.map((a) => [a.store_id, a]) ?? []);

  return (
    <section className="panel">
      <header className="panel-head">
        <h2>Store routing</h2>
        <span className="faint">each store sticks to one proxy of its list</span>
      </header>
      {stores.isPending || assignments.isPending ? (
        <Loading />
      ) : stores.isError ? (
        <ErrorMessage error={stores.error} />
      ) : assignments.isError ? (
        <ErrorMessage error={assignments.error} />
      ) : stores.data.length === 0 ? (
        <Empty>No stores yet.</Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Store</th>
              <th>Proxy list</th>
              <th>Polls through</th>
            </tr>
          </thead>
          <tbody>
            {stores.data.map((s) => {
              const a = byStore.get(s.id);
              return (
                <tr key={s.id} data-testid="assignment-row">
                  <td>{s.name || s.url}</td>
                  <td>
                    <select
                      aria-label={`Proxy list for ${s.name || s.url}`}
                      value={a?.proxy_list_id ?? ""}
                      disabled={assign.isPending}
                      onChange={(e) =>
                        assign.mutate(
                          { storeId: s.id, listId: e.target.value || null },
                          { onError: (err) => toast(errorText(err), "error") },
                        )
                      }
                    >
                      <option value="">Direct (no proxy)</option>
                      {lists.map((l) => (
                        <option key={l.id} value={l.id}>
                          {l.name}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="mono muted">{a?.proxy ?? "direct"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
