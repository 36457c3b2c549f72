import { useState, type FormEvent } from "react";
import type { ProxyListRead } from "../../api/models";
import { useTestProxyList } from "../../hooks/queries/proxies";
import { formatDuration } from "../../lib/format";
import { ErrorMessage } from "../common/States";
import { summarizeTest } from "./proxyText";

/** GET a URL once through each proxy of the list: reachability, status and latency per proxy. */
export function ProxyTester({ list }: { list: ProxyListRead }) {
  const [url, setUrl] = useState("");
  const [timeout, setTimeoutS] = useState("5");
  const test = useTestProxyList();
  const valid = /^https?:\/\/\S+$/i.test(url.trim());

  const run = (e: FormEvent) => {
    e.preventDefault();
    if (valid) test.mutate({ id: list.id, url: url.trim(), timeout: Math.min(30, Math.max(1, Number(timeout) || 5)) });
  };
  const results = test.data ?? [];
  const summary = summarizeTest(results);
  return (
    <section className="panel">
      <header className="panel-head">
        <h2>Tester</h2>
        {results.length > 0 ? (
          <span className="muted" data-testid="tester-summary">
            {summary.ok} ok · {summary.failed} failed{summary.p50 !== null ? ` · median ${formatDuration(summary.p50)}` : ""}
          </span>
        ) : null}
      </header>
      <form className="panel-body row-wrap" onSubmit={run} aria-label="Test proxies">
        <label className="field" style={{ flex: "1 1 320px" }}>
          URL to fetch through each proxy
          <input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://kith.com/products.json?limit=1" aria-label="Test URL" />
        </label>
        <label className="field" style={{ width: 110 }}>
          Timeout (s)
          <input value={timeout} inputMode="decimal" onChange={(e) => setTimeoutS(e.target.value)} aria-label="Timeout" />
        </label>
        <button type="submit" className="primary" style={{ alignSelf: "flex-end" }} disabled={!valid || test.isPending}>
          {test.isPending ? "Testing…" : `Test ${list.proxies.length} prox${list.proxies.length === 1 ? "y" : "ies"}`}
        </button>
      </form>
      {test.isError ? <div className="panel-body"><ErrorMessage error={test.error} /></div> : null}
      {results.length > 0 ? (
        <table className="table" aria-label="Test results">
          <thead>
            <tr>
              <th>Proxy</th>
              <th>Result</th>
              <th className="right">Status</th>
              <th className="right">Latency</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {results.map((r, i) => (
              <tr key={`${r.proxy}-${i}`} data-testid="proxy-test-row">
                <td className="mono">{r.proxy}</td>
                <td>{r.ok ? <span className="badge badge-ok">ok</span> : <span className="badge badge-bad">failed</span>}</td>
                <td className="num right">{r.status ?? "—"}</td>
                <td className="num right">{r.latency_ms !== null ? formatDuration(r.latency_ms) : "—"}</td>
                <td className="muted">{r.error ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
