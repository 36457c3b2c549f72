import type { EventKind, EventRead, StoreRead } from "../../api/models";
import { KIND_COLOURS, formatDuration, kindLabel, percentile } from "../../lib/format";
import { Sparkline } from "../common/Sparkline";
import { countByKind, healthSummary } from "./dashboard";

const SHOWN_KINDS: EventKind[] = ["new_product", "restock", "sold_out", "price_change"];

export interface CountersProps {
  eventsToday: readonly EventRead[] | undefined;
  moreToday: boolean;
  alerts: { sent: number; failed: number; pending: number } | null;
  stores: readonly StoreRead[] | undefined;
  latencies: readonly number[];
}

export function Counters({ eventsToday, moreToday, alerts, stores, latencies }: CountersProps) {
  const byKind = countByKind(eventsToday ?? []);
  const health = healthSummary(stores ?? []);
  const active = (stores ?? []).filter((s) => s.enabled).length;
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  return (
    <div className="stats">
      <section className="panel stat" aria-label="Events today">
        <div className="stat-label">Events today</div>
        <div className="stat-value" data-testid="events-today">
          {eventsToday ? `${eventsToday.length}${moreToday ? "+" : ""}` : "—"}
        </div>
        <div className="stat-sub">
          {SHOWN_KINDS.map((k) => (
            <span key={k}>
              <span style={{ color: KIND_COLOURS[k] }}>●</span> {kindLabel(k)} <b className="num">{byKind[k] ?? 0}</b>
            </span>
          ))}
        </div>
      </section>
      <section className="panel stat" aria-label="Alerts today">
        <div className="stat-label">Alerts today</div>
        <div className="stat-value num">{alerts ? alerts.sent : "—"}</div>
        <div className="stat-sub">
          <span>
            sent <b className="num">{alerts?.sent ?? "—"}</b>
          </span>
          <span style={{ color: alerts && alerts.failed > 0 ? "#ff7d7a" : undefined }}>
            failed <b className="num">{alerts?.failed ?? "—"}</b>
          </span>
          <span>
            queued <b className="num">{alerts?.pending ?? "—"}</b>
          </span>
        </div>
      </section>
      <section className="panel stat" aria-label="Stores">
        <div className="stat-label">Stores healthy</div>
        <div className="stat-value num">
          {stores ? `${health.healthy}/${active}` : "—"}
        </div>
        <div className="stat-sub">
          <span>degraded <b className="num">{health.degraded}</b></span>
          <span style={{ color: health.blocked > 0 ? "#ff7d7a" : undefined }}>
            blocked <b className="num">{health.blocked}</b>
          </span>
          <span>paused <b className="num">{health.paused}</b></span>
        </div>
      </section>
      <section className="panel stat" aria-label="Detection latency">
        <div className="stat-label">Detection latency</div>
        <div className="row" style={{ alignItems: "flex-end" }}>
          <div className="stat-value num">{formatDuration(p50)}</div>
          <span className="spacer" />
          <Sparkline values={latencies} width={120} height={30} label="Detection latency trend" />
        </div>
        <div className="stat-sub">
          <span>p50 <b className="num">{formatDuration(p50)}</b></span>
          <span>p95 <b className="num">{formatDuration(p95)}</b></span>
          <span>n={latencies.length}</span>
        </div>
      </section>
    </div>
  );
}
