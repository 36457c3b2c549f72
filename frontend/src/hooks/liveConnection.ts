/**
 * One WebSocket to `/ws` that keeps itself alive: exponential back-off with jitter between attempts, and a
 * watchdog that treats a socket silent for longer than a few heartbeats as dead. Framework-free so it can
 * be tested with a fake socket and fake timers; `useLiveEvents` wires it to React.
 */
import type { SocketStatus } from "../store/live";
import { parseWsMessage, type WsMessage } from "../types/ws";

/** The part of the browser WebSocket this uses (a fake in tests). */
export interface SocketLike {
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface StatusInfo {
  attempt: number;
  retryAt: number | null;
}

export interface LiveConnectionOptions {
  url: string;
  onMessage: (message: WsMessage) => void;
  onStatus: (status: SocketStatus, info: StatusInfo) => void;
  createSocket?: SocketFactory;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** No frame (the server pings every 15 s) for this long: the connection is dead. */
  staleAfterMs?: number;
  random?: () => number;
  now?: () => number;
}

/** Delay before reconnect attempt `attempt` (0-based): base·2^attempt, ±25 % jitter, capped at max. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.min(maxMs, Math.round(exp * (0.75 + 0.5 * random())));
}

export function defaultSocketUrl(location: Pick<Location, "protocol" | "host"> = window.location): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
}

export class LiveConnection {
  private readonly opts: Required<LiveConnectionOptions>;
  private socket: SocketLike | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private staleTimer: ReturnType<typeof setTimeout> | null = null;
  private running = false;

  constructor(options: LiveConnectionOptions) {
    this.opts = {
      createSocket: (url) => new WebSocket(url),
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      staleAfterMs: 45_000,
      random: Math.random,
      now: Date.now,
      ...options,
    };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    this.clearTimers();
    this.drop();
    this.opts.onStatus("closed", { attempt: this.attempt, retryAt: null });
  }

  /** Skip the remaining back-off (the "reconnect now" button, or the browser coming back online). */
  retryNow(): void {
    if (!this.running || this.socket) return;
    this.clearTimers();
    this.connect();
  }

  private connect(): void {
    this.opts.onStatus(this.attempt === 0 ? "connecting" : "reconnecting", { attempt: this.attempt, retryAt: null });
    let socket: SocketLike;
    try {
      socket = this.opts.createSocket(this.opts.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.armWatchdog();
      this.opts.onStatus("open", { attempt: 0, retryAt: null });
    };
    socket.onmessage = (ev) => {
      this.armWatchdog();
      const message = parseWsMessage(ev.data);
      if (message) this.opts.onMessage(message);
    };
    socket.onerror = () => {
      // The close event that follows does the work.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    this.clearTimers();
    if (!this.running) return;
    const delay = backoffDelay(this.attempt, this.opts.baseDelayMs, this.opts.maxDelayMs, this.opts.random);
    this.attempt += 1;
    this.opts.onStatus("reconnecting", { attempt: this.attempt, retryAt: this.opts.now() + delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private armWatchdog(): void {
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.staleTimer = setTimeout(() => {
      this.staleTimer = null;
      // A half-open TCP connection may never fire `close`: give up on it ourselves.
      this.drop();
      this.scheduleRetry();
    }, this.opts.staleAfterMs);
  }

  private drop(): void {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
    try {
      socket.close(1000, "client closing");
    } catch {
      // Already closed.
    }
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.retryTimer = this.staleTimer = null;
  }
}
