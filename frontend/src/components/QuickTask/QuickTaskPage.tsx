import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { profilesQuery } from "../../hooks/queries/profiles";
import { storesQuery } from "../../hooks/queries/stores";
import { useQuickTask } from "../../hooks/queries/tasks";
import { navigate, useLocation } from "../../lib/router";
import { useUiStore } from "../../store/ui";
import { ErrorMessage } from "../common/States";
import { findStore, readQuickTask } from "./quickTask";

/** One click from a link (Discord alert, bookmark) to a started task. */
export function QuickTaskPage() {
  const { search } = useLocation();
  const { request, problem } = readQuickTask(search);
  const stores = useQuery(storesQuery());
  const profiles = useQuery(profilesQuery());
  const quick = useQuickTask();
  const toast = useUiStore((s) => s.toast);
  const [profile, setProfile] = useState(request?.profile ?? "");

  if (!request) {
    return (
      <div className="page">
        <section className="panel panel-body stack">
          <div className="error-box" role="alert">{problem}</div>
          <p className="muted">
            A quick-task link looks like <code>/quicktask?store=https://kith.com&amp;product=nike-dunk-low&amp;size=10</code>.
          </p>
        </section>
      </div>
    );
  }
  const store = stores.data ? findStore(stores.data, request.store) : null;
  const chosenProfile = profiles.data?.find((p) => p.id === profile || p.name === profile) ?? null;
  const start = () =>
    quick.mutate(
      { ...request, profile: profile || null },
      {
        onSuccess: (task) => {
          toast("Task started", "ok");
          navigate(`/tasks/${encodeURIComponent(task.id)}`, { replace: true });
        },
      },
    );

  return (
    <div className="page">
      <section className="panel quick-task" aria-label="Quick task">
        <header className="panel-head">
          <h2>Start a task</h2>
        </header>
        <div className="panel-body stack">
          <dl className="kv" style={{ gridTemplateColumns: "90px minmax(0, 1fr)" }}>
            <dt>Store</dt>
            <dd data-testid="qt-store">
              {store ? store.name || store.url : request.store}
              {stores.data && !store ? <span className="badge badge-warn" style={{ marginLeft: 6 }}>not watched yet</span> : null}
            </dd>
            <dt>Product</dt>
            <dd data-testid="qt-product">{request.product}</dd>
            <dt>Size</dt>
            <dd data-testid="qt-size">{request.size ?? "any"}</dd>
            <dt>Mode</dt>
            <dd>{request.mode ?? "default (assist)"}</dd>
          </dl>
          <label className="field" style={{ maxWidth: 320 }}>
            Profile
            <select value={chosenProfile?.id ?? profile} onChange={(e) => setProfile(e.target.value)} aria-label="Profile">
              <option value="">Default</option>
              {profile && !chosenProfile ? <option value={profile}>{profile}</option> : null}
              {profiles.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          {quick.isError ? <ErrorMessage error={quick.error} /> : null}
          <div className="row">
            <button type="button" className="primary big" onClick={start} disabled={quick.isPending}>
              {quick.isPending ? "Starting…" : "Start task"}
            </button>
            <button type="button" className="ghost" onClick={() => navigate("/tasks")}>
              Cancel
            </button>
          </div>
        </div>
      </section>
    </div>
  );
}
