import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SocketStatus } from "../store/live";
import type { WsMessage } from "../types/ws";
import { LiveConnection, backoffDelay, defaultSocketUrl, type SocketLike } from "./liveConnection";

/** A WebSocket stand-in the test drives by hand. */
class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  closed = false;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  open() {
    this.onopen?.(new Event("open"));
  }
  receive(data: unknown) {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(data) }));
  }
  fail() {
    this.onerror?.(new Event("error"));
    this.onclose?.(new CloseEvent("close", { code: 1006 }));
  }
  close() {
    this.closed = true;
  }
}

function setup(overrides: { staleAfterMs?: number } = {}) {
  const statuses: [SocketStatus, number][] = [];
  const messages: WsMessage[] = [];
  const conn = new LiveConnection({
    url: "ws://test/ws",
    createSocket: (url) => new FakeSocket(url),
    onMessage: (m) => messages.push(m),
    onStatus: (s, info) => statuses.push([s, info.attempt]),
    baseDelayMs: 100,
    maxDelayMs: 1000,
    random: () => 0.5, // no jitter: delays are exactly base·2^n
    now: () => Date.now(),
    ...overrides,
  });
  return { conn, statuses, messages, latest: () => FakeSocket.all[FakeSocket.all.length - 1] as FakeSocket };
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("backoffDelay", () => {
  it("doubles per attempt and stops at the cap", () => {
    const half = () => 0.5;
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, 100, 1000, half))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it("jitters by ±25 % and never exceeds the cap", () => {
    expect(backoffDelay(2, 100, 1000, () => 0)).toBe(300);
    expect(backoffDelay(2, 100, 1000, () => 1)).toBe(500);
    expect(backoffDelay(9, 100, 1000, () => 1)).toBe(1000);
  });
});

describe("LiveConnection", () => {
  it("connects, reports open and hands over parsed messages", () => {
    const { conn, statuses, messages, latest } = setup();
    conn.start();
    expect(latest().url).toBe("ws://test/ws");
    latest().open();
    latest().receive({ type: "ping" });
    latest().receive({ type: "nonsense" });
    expect(statuses.map(([s]) => s)).toEqual(["connecting", "open"]);
    expect(messages).toEqual([{ type: "ping" }]);
    conn.stop();
  });

  it("reconnects with exponential back-off while the server is down", () => {
    const { conn, statuses, latest } = setup();
    conn.start();
    latest().fail();
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(99);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(2); // after 100 ms
    latest().fail();
    vi.advanceTimersByTime(199);
    expect(FakeSocket.all).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(3); // after 200 ms more
    latest().fail();
    vi.advanceTimersByTime(399);
    expect(FakeSocket.all).toHaveLength(3);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.all).toHaveLength(4); // after 400 ms more
    expect(statuses.filter(([s]) => s === "reconnecting").map(([, a]) => a)).toEqual([1, 1, 2, 2, 3, 3]);
    conn.stop();
  });

  it("starts the back-off over once a connection succeeds", () => {
    const { conn, latest } = setup();
    conn.start();
    latest().fail();
    vi.advanceTimersByTime(100);
    latest().fail();
    vi.advanceTimersByTime(200);
    latest().open();
    latest().fail();
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(4);
    conn.stop();
  });

  it("treats a silent socket as dead and reconnects", () => {
    const { conn, latest } = setup({ staleAfterMs: 1000 });
    conn.start();
    const first = latest();
    first.open();
    vi.advanceTimersByTime(900);
    first.receive({ type: "ping" }); // a heartbeat re-arms the watchdog
    vi.advanceTimersByTime(900);
    expect(first.closed).toBe(false);
    vi.advanceTimersByTime(100);
    expect(first.closed).toBe(true);
    vi.advanceTimersByTime(100);
    expect(FakeSocket.all).toHaveLength(2);
    conn.stop();
  });

  it("stays down after stop", () => {
    const { conn, statuses, latest } = setup();
    conn.start();
    const socket = latest();
    socket.open();
    conn.stop();
    expect(socket.closed).toBe(true);
    socket.fail(); // late close from the browser: ignored
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(statuses[statuses.length - 1]?.[0]).toBe("closed");
  });

  it("retryNow skips the remaining wait", () => {
    const { conn, latest } = setup();
    conn.start();
    latest().fail();
    latest().fail();
    conn.retryNow();
    expect(FakeSocket.all).toHaveLength(2);
    conn.stop();
  });
});

describe("defaultSocketUrl", () => {
  it("follows the page's scheme and host", () => {
    expect(defaultSocketUrl({ protocol: "https:", host: "phantom.local:8443" })).toBe("wss://phantom.local:8443/ws");
    expect(defaultSocketUrl({ protocol: "http:", host: "127.0.0.1:8000" })).toBe("ws://127.0.0.1:8000/ws");
  });
});
