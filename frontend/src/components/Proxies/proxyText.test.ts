import { describe, expect, it } from "vitest";
import { badLines, lineProblem, proxyLines, summarizeTest } from "./proxyText";

describe("proxy lines", () => {
  it("skips blank lines and comments as the server does", () => {
    expect(proxyLines("# vendor A\n10.0.0.1:8080\n\n  socks5://u:p@h:1080  \r\n")).toEqual(["10.0.0.1:8080", "socks5://u:p@h:1080"]);
  });

  it("accepts the vendor formats and points at lines that are not a proxy", () => {
    for (const ok of ["10.0.0.1:8080", "http://u:p@10.0.0.1:8080", "u:p@host:3128", "host:3128:user:pass", "https://proxy.example:443"]) {
      expect(lineProblem(ok)).toBeNull();
    }
    expect(lineProblem("ftp://h:21")).toMatch(/not http/);
    expect(lineProblem("justahost")).toMatch(/host:port/);
    expect(badLines("10.0.0.1:8080\n# c\nnope\nhost:99999")).toEqual([
      { line: 3, reason: "needs host:port" },
      { line: 4, reason: "needs host:port" },
    ]);
  });

  it("summarizes a test run", () => {
    const s = summarizeTest([
      { proxy: "a", ok: true, status: 200, latency_ms: 120, error: null },
      { proxy: "b", ok: true, status: 200, latency_ms: 40, error: null },
      { proxy: "c", ok: false, status: null, latency_ms: null, error: "timeout" },
    ]);
    expect(s).toMatchObject({ ok: 2, failed: 1, p50: 40 });
    expect(s.fastest?.proxy).toBe("b");
  });
});
