import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Suspense, lazy, useState } from "react";
import type { CheckoutRead, TaskMode } from "../../api/models";
import { checkoutStatsQuery, checkoutsInfiniteQuery, type CheckoutListParams } from "../../hooks/queries/checkouts";
import { storesQuery } from "../../hooks/queries/stores";
import { clockTime, formatDuration, formatPrice, relativeTime } from "../../lib/format";
import { Link } from "../common/Link";
import { Empty, ErrorMessage, Loading } from "../common/States";
import { formatRate, successes } from "./stats";

// uPlot loads with this screen, not with the dashboard.
const DailyChart = lazy(() => import("./DailyChart").then((m) => ({ default: m.DailyChart })));

const ATTEMPT_TONE: Record<string, string> = {
  succeeded: "ok",
  test_passed: "ok",
  link_ready: "info",
  needs_action: "warn",
  unknown: "warn",
  failed: "bad",
  out_of_stock: "muted",
  started: "info",
  submitting: "info",
};

function AttemptRow({ a, storeName }: { a: CheckoutRead; storeName: string }) {
  return (
    <tr data-testid="checkout-row">
      <td className="nowrap num" title={new Date(a.created_at).toLocaleString()}>
        {clockTime(a.created_at)}
        <div className="faint" style={{ fontSize: 12 }}>{relativeTime(a.created_at)}</div>
      </td>
      <td style={{ maxWidth: 260 }}>
        <Link className="ellipsis" style={{ display: "block" }} to={`/tasks/${encodeURIComponent(a.task_id)}`}>
          {a.product_title ?? "—"}
        </Link>
        <div className="faint" style={{ fontSize: 12 }}>{a.store_name ?? storeName}</div>
      </td>
      <td className="num">{a.size ?? "—"}</td>
      <td className="num right">{formatPrice(a.price)}</td>
      <td className="muted">
        {a.mode}
        {a.test_mode ? <span className="badge badge-muted" style={{ marginLeft: 4 }}>test</span> : null}
      </td>
      <td>
        <span className={`badge badge-${ATTEMPT_TONE[a.status] ?? "muted"}`}>{a.status.replace(/_/g, " ")}</span>
        {a.detail ? <div className="faint ellipsis" style={{ fontSize: 12, maxWidth: 200 }} title={a.detail}>{a.detail}</div> : null}
      </td>
      <td className="num right">{formatDuration(a.detection_to_link_ms)}</td>
      <td className="num right">{formatDuration(a.detection_to_submission_ms)}</td>
      <td>
        {a.checkout_url ? (
          <a href={a.checkout_url} target="_blank" rel="noreferrer noopener">
            open ↗
          </a>
        ) : null}
      </td>
    </tr>
  );
}

function StatsPanel() {
  const stats = useQuery(checkoutStatsQuery());
  const stores = useQuery(storesQuery());
  const names = new Map(stores.data?.map((s) => [s.id, s.name || s.url]) ?? []);
  if (stats.isPending) return <Loading />;
  if (stats.isError) return <ErrorMessage error={stats.error} retry={() => void stats.refetch()} />;
  const { total: t, groups: rows } = stats.data;
  return (
    <>
      <div className="stats">
        <section className="panel stat" aria-label="Attempts">
          <div className="stat-label">Attempts (30 days)</div>
          <div className="stat-value">{t.attempts}</div>
          <div className="stat-sub">
            <span>{t.succeeded} orders</span>
            <span>{t.link_ready} links</span>
            <span>{t.test_passed} tests</span>
          </div>
        </section>
        <section className="panel stat" aria-label="Success rate">
          <div className="stat-label">Success rate</div>
          <div className="stat-value" data-testid="success-rate">{formatRate(t.success_rate)}</div>
          <div className="stat-sub">{successes(t)} of {t.attempts - t.open} finished</div>
        </section>
        <section className="panel stat" aria-label="Handed over">
          <div className="stat-label">Handed to you</div>
          <div className="stat-value">{t.needs_action}</div>
          <div className="stat-sub">challenge, queue or block</div>
        </section>
        <section className="panel stat" aria-label="Failed">
          <div className="stat-label">Failed</div>
          <div className="stat-value">{t.failed}</div>
          <div className="stat-sub">{t.open} running</div>
        </section>
      </div>
      <section className="panel">
        <header className="panel-head">
          <h2>Daily attempts</h2>
        </header>
        <div className="panel-body">
          <Suspense fallback={<Loading label="Loading chart…" />}>
            <DailyChart points={stats.data.daily} />
          </Suspense>
        </div>
      </section>
      <section className="panel">
        <header className="panel-head">
          <h2>By store and mode</h2>
          <span className="faint">latency from detection to the link in front of you, and to the order submission</span>
        </header>
        {rows.length === 0 ? (
          <Empty>No checkouts yet.</Empty>
        ) : (
          <table className="table" aria-label="Stats by store and mode">
            <thead>
              <tr>
                <th>Store</th>
                <th>Mode</th>
                <th className="right">Attempts</th>
                <th className="right">Success</th>
                <th className="right">Link p50</th>
                <th className="right">Link p95</th>
                <th className="right">Submit p50</th>
                <th className="right">Submit p95</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.store_id}-${r.mode}`} data-testid="stats-row">
                  <td>{r.store_name ?? names.get(r.store_id) ?? r.store_id}</td>
                  <td className="muted">{r.mode}</td>
                  <td className="num right">{r.attempts}</td>
                  <td className="num right">{formatRate(r.success_rate)}</td>
                  <td className="num right">{formatDuration(r.detection_to_link.p50_ms)}</td>
                  <td className="num right">{formatDuration(r.detection_to_link.p95_ms)}</td>
                  <td className="num right">{formatDuration(r.detection_to_submission.p50_ms)}</td>
                  <td className="num right">{formatDuration(r.detection_to_submission.p95_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

export function CheckoutsPage() {
  const [filters, setFilters] = useState<CheckoutListParams>({});
  const stores = useQuery(storesQuery());
  const attempts = useInfiniteQuery(checkoutsInfiniteQuery(filters));
  const names = new Map(stores.data?.map((s) => [s.id, s.name || s.url]) ?? []);
  const rows = attempts.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div className="page">
      <StatsPanel />
      <section className="panel">
        <header className="panel-head">
          <h2>Checkout attempts</h2>
          <div className="row">
            <select aria-label="Store" value={filters.store_id ?? ""} onChange={(e) => setFilters({ ...filters, store_id: e.target.value || undefined })}>
              <option value="">All stores</option>
              {stores.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name || s.url}
                </option>
              ))}
            </select>
            <select aria-label="Mode" value={filters.mode ?? ""} onChange={(e) => setFilters({ ...filters, mode: (e.target.value || undefined) as TaskMode | undefined })}>
              <option value="">Any mode</option>
              <option value="assist">Assist</option>
              <option value="browser">Browser</option>
            </select>
          </div>
        </header>
        {attempts.isPending ? (
          <Loading />
        ) : attempts.isError ? (
          <ErrorMessage error={attempts.error} retry={() => void attempts.refetch()} />
        ) : rows.length === 0 ? (
          <Empty>No checkout attempts yet.</Empty>
        ) : (
          <div style={{ overflowX: "auto" }}>
            <table className="table">
              <thead>
                <tr>
                  <th>Started</th>
                  <th>Product</th>
                  <th>Size</th>
                  <th className="right">Price</th>
                  <th>Mode</th>
                  <th>Status</th>
                  <th className="right">To link</th>
                  <th className="right">To submit</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <AttemptRow key={a.id} a={a} storeName={names.get(a.store_id) ?? a.store_id} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {attempts.hasNextPage ? (
          <div className="panel-body row" style={{ justifyContent: "center" }}>
            <button type="button" onClick={() => void attempts.fetchNextPage()} disabled={attempts.isFetchingNextPage}>
              {attempts.isFetchingNextPage ? "Loading…" : "Load older attempts"}
            </button>
          </div>
        ) : null}
      </section>
    </div>
  );
}
