/** Pasted proxy lines: what the server will read, and a summary of a test run. */
import type { ProxyTestResult } from "../../api/models";
import { percentile } from "../../lib/format";

/** The lines that hold a proxy (blank lines and `#` comments are skipped, as the server does). */
export function proxyLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("#"));
}

/** A shape check only (the server parses and names the bad line); null when it looks like a proxy. */
export function lineProblem(line: string): string | null {
  if (/\s/.test(line)) return "contains spaces";
  const rest = line.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(line)?.[1]?.toLowerCase();
  if (scheme && !["http", "https", "socks5"].includes(scheme)) return `scheme ${scheme} is not http, https or socks5`;
  const hostPort = rest.includes("@") ? rest.slice(rest.lastIndexOf("@") + 1) : rest.split(":").slice(0, 2).join(":");
  const port = Number(hostPort.split(":").at(-1));
  if (!hostPort.includes(":") || !Number.isInteger(port) || port < 1 || port > 65535) return "needs host:port";
  return null;
}

/** 1-based line numbers (of the pasted text) that do not look like a proxy, with why. */
export function badLines(text: string): { line: number; reason: string }[] {
  const out: { line: number; reason: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith("#")) return;
    const reason = lineProblem(l);
    if (reason) out.push({ line: i + 1, reason });
  });
  return out;
}

export interface TestSummary {
  ok: number;
  failed: number;
  p50: number | null;
  fastest: ProxyTestResult | null;
}

export function summarizeTest(results: readonly ProxyTestResult[]): TestSummary {
  const good = results.filter((r) => r.ok && r.latency_ms !== null);
  const latencies = good.map((r) => r.latency_ms as number);
  const fastest = good.reduce<ProxyTestResult | null>((best, r) => (best === null || (r.latency_ms as number) < (best.latency_ms as number) ? r : best), null);
  return { ok: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, p50: percentile(latencies, 50), fastest };
}
