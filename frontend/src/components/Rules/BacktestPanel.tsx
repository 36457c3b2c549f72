import { useState, type FormEvent } from "react";
import type { BacktestRead, RuleCreate } from "../../api/models";
import { useBacktest } from "../../hooks/queries/rules";
import { clockTime, eventSizes, formatPrice, formatSizes, kindLabel } from "../../lib/format";
import { KindBadge } from "../common/Badges";
import { Empty, ErrorMessage } from "../common/States";
import { dayToIso } from "./ruleForm";

function daysAgo(n: number): string {
  const d = new Date(Date.now() - n * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function Results({ result }: { result: BacktestRead }) {
  const events = result.matches;
  return (
    <>
      <div className="panel-body row-wrap muted" data-testid="backtest-summary">
        <b className="num">{result.matched}</b> event(s) would have fired
        {result.matched > events.length ? ` (newest ${events.length} shown)` : ""}
        {result.complete ? "" : ` · only the newest ${result.scanned} events in the range were checked`}
        {Object.entries(result.by_kind).map(([k, n]) => (
          <span key={k} className="chip">
            {kindLabel(k as Parameters<typeof kindLabel>[0])} {n}
          </span>
        ))}
      </div>
      {events.length === 0 ? (
        <Empty>The rule would not have fired in this window.</Empty>
      ) : (
        <table className="table" aria-label="Backtest events">
          <thead>
            <tr>
              <th>When</th>
              <th>Kind</th>
              <th>Product</th>
              <th>Store</th>
              <th className="right">Price</th>
              <th>Sizes</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} data-testid="backtest-row">
                <td className="num nowrap" title={new Date(e.detected_at).toLocaleString()}>
                  {new Date(e.detected_at).toLocaleDateString()} {clockTime(e.detected_at)}
                </td>
                <td>
                  <KindBadge kind={e.kind} />
                </td>
                <td className="ellipsis" style={{ maxWidth: 280 }}>{e.product_title ?? "—"}</td>
                <td className="muted">{e.store_name}</td>
                <td className="num right">{formatPrice(e.price)}</td>
                <td className="num">{formatSizes(eventSizes(e), 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Run a rule (saved, or as typed in the form) against the stored event history for a date range. */
export function BacktestPanel({ title, ruleId, spec, onClose }: { title: string; ruleId?: string; spec?: RuleCreate; onClose: () => void }) {
  const [since, setSince] = useState(daysAgo(7));
  const [until, setUntil] = useState("");
  const backtest = useBacktest();
  const run = (e?: FormEvent) => {
    e?.preventDefault();
    backtest.mutate({ ...(ruleId ? { ruleId } : { spec: spec as RuleCreate }), window: { since: dayToIso(since), until: dayToIso(until, true) } });
  };
  return (
    <section className="panel" aria-label="Backtest">
      <header className="panel-head">
        <h2>Backtest · {title}</h2>
        <button type="button" className="ghost" aria-label="Close backtest" onClick={onClose}>
          ×
        </button>
      </header>
      <form className="panel-body row-wrap" onSubmit={run}>
        <label className="field">
          From
          <input type="date" value={since} onChange={(e) => setSince(e.target.value)} aria-label="From" />
        </label>
        <label className="field">
          To
          <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} aria-label="To" />
        </label>
        <button type="submit" className="primary" style={{ alignSelf: "flex-end" }} disabled={backtest.isPending}>
          {backtest.isPending ? "Running…" : "Run backtest"}
        </button>
      </form>
      {backtest.isError ? (
        <div className="panel-body">
          <ErrorMessage error={backtest.error} />
        </div>
      ) : null}
      {backtest.data ? <Results result={backtest.data} /> : null}
    </section>
  );
}
