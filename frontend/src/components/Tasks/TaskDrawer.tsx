import { useQuery } from "@tanstack/react-query";
import { useEffect } from "react";
import type { TaskDetail } from "../../api/models";
import { taskQuery } from "../../hooks/queries/tasks";
import { clockTime, formatDuration, formatPrice, relativeTime } from "../../lib/format";
import { ErrorMessage, Loading } from "../common/States";
import { AttemptStatusBadge, TaskStatusBadge } from "./TaskBadges";
import { STATUS_LABELS, describeTarget } from "./taskStatus";

function msBetween(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

function Timeline({ task }: { task: TaskDetail }) {
  const steps = [...task.transitions].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (steps.length === 0) return <div className="faint">No status changes yet.</div>;
  return (
    <ol className="timeline" aria-label="Status history">
      {steps.map((t, i) => (
        <li key={i} className={`timeline-step tone-${t.to_status}`}>
          <span className="timeline-dot" aria-hidden="true" />
          <div>
            <b>{STATUS_LABELS[t.to_status]}</b>
            {t.from_status ? <span className="faint"> from {STATUS_LABELS[t.from_status]}</span> : <span className="faint"> (created)</span>}
            <div className="faint" style={{ fontSize: 12 }} title={new Date(t.at).toLocaleString()}>
              {clockTime(t.at)} · {relativeTime(t.at)}
              {t.reason ? ` · ${t.reason}` : ""}
            </div>
          </div>
        </li>
      ))}
    </ol>
  );
}

function Attempts({ task }: { task: TaskDetail }) {
  const attempts = task.checkout_attempts;
  if (attempts.length === 0) return <div className="faint">No checkout attempts yet.</div>;
  return (
    <table className="table" aria-label="Attempts">
      <thead>
        <tr>
          <th>#</th>
          <th>Status</th>
          <th>Size</th>
          <th className="right">Price</th>
          <th className="right">To link</th>
          <th>Link</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr key={a.id}>
            <td className="num">{a.number}</td>
            <td>
              <AttemptStatusBadge status={a.status} />
              {a.detail ? <div className="faint" style={{ fontSize: 12 }}>{a.detail}</div> : null}
            </td>
            <td className="num">{a.size ?? "—"}</td>
            <td className="num right">{formatPrice(a.price)}</td>
            <td className="num right">{formatDuration(msBetween(a.detected_at, a.link_at))}</td>
            <td>
              {a.checkout_url ? (
                <a href={a.checkout_url} target="_blank" rel="noreferrer noopener">
                  open ↗
                </a>
              ) : (
                "—"
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A side panel with one task's settings, how its status moved, and its checkout attempts. */
export function TaskDrawer({ taskId, storeName, profileName, onClose }: { taskId: string; storeName: (id: string) => string; profileName: (id: string | null) => string; onClose: () => void }) {
  const task = useQuery(taskQuery(taskId));
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  const t = task.data;
  return (
    <aside className="drawer panel" role="dialog" aria-label="Task details">
      <header className="panel-head">
        <h1 className="ellipsis">{t ? describeTarget(t) : "Task"}</h1>
        <button type="button" className="ghost" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="panel-body stack">
        {task.isPending ? (
          <Loading />
        ) : task.isError ? (
          <ErrorMessage error={task.error} retry={() => void task.refetch()} />
        ) : t ? (
          <>
            <div className="row-wrap">
              <TaskStatusBadge status={t.status} />
              {t.status_reason ? <span className="muted">{t.status_reason}</span> : null}
            </div>
            {t.checkout_url ? (
              <a className="button primary" href={t.checkout_url} target="_blank" rel="noreferrer noopener" style={{ alignSelf: "flex-start" }}>
                Open checkout ↗
              </a>
            ) : null}
            <dl className="kv" style={{ gridTemplateColumns: "110px minmax(0, 1fr)" }}>
              <dt>Store</dt>
              <dd>{storeName(t.store_id)}</dd>
              <dt>Product</dt>
              <dd>{[t.url, t.handle, t.variant_id, t.sku, t.keywords].filter(Boolean).join(" · ") || "—"}</dd>
              <dt>Sizes</dt>
              <dd>{t.sizes.length ? t.sizes.join(", ") : "any"}</dd>
              <dt>Quantity</dt>
              <dd>{t.quantity}</dd>
              <dt>Mode</dt>
              <dd>
                {t.mode}
                {t.test_mode ? " (test)" : ""}
              </dd>
              <dt>Profile</dt>
              <dd>{profileName(t.profile_id)}</dd>
              <dt>Max price</dt>
              <dd>{formatPrice(t.max_price)}</dd>
              <dt>Group</dt>
              <dd>{t.group ?? "—"}</dd>
              <dt>Created</dt>
              <dd>{relativeTime(t.created_at)}</dd>
            </dl>
            <h2>Status history</h2>
            <Timeline task={t} />
            <h2>Checkout attempts</h2>
            <Attempts task={t} />
          </>
        ) : null}
      </div>
    </aside>
  );
}
