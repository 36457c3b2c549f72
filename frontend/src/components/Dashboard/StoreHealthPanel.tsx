import type { StoreRead } from "../../api/models";
import { formatDuration, relativeTime } from "../../lib/format";
import { HealthDot } from "../common/Badges";
import { Link } from "../common/Link";
import { Empty } from "../common/States";
import { storeState } from "./dashboard";

const ORDER = { blocked: 0, degraded: 1, healthy: 2, paused: 3 } as const;

export function StoreHealthPanel({ stores }: { stores: readonly StoreRead[] }) {
  if (stores.length === 0) {
    return (
      <Empty>
        No stores yet. <Link to="/monitors">Add one</Link> to start watching.
      </Empty>
    );
  }
  const sorted = [...stores].sort((a, b) => ORDER[storeState(a)] - ORDER[storeState(b)] || a.name.localeCompare(b.name));
  return (
    <ul className="health-list" aria-label="Store health">
      {sorted.map((s) => {
        const state = storeState(s);
        const h = s.health;
        const detail =
          state === "paused"
            ? "paused"
            : state !== "healthy"
              ? (h?.blocked_reason ?? h?.last_error ?? state)
              : `every ${s.interval}s · last ok ${relativeTime(h?.last_success_at)}`;
        return (
          <li className="health-item" key={s.id} title={h?.last_error ?? undefined}>
            <HealthDot status={state} />
            <div style={{ minWidth: 0 }}>
              <div className="ellipsis">{s.name || s.url}</div>
              <div className="faint ellipsis" style={{ fontSize: 12 }}>{detail}</div>
            </div>
            <div className="right num muted" style={{ fontSize: 12 }}>
              {h?.last_latency_ms != null ? formatDuration(h.last_latency_ms) : "—"}
              <div className="faint">{h ? `${h.polls} polls` : ""}</div>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
