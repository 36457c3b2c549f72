/**
 * The live side of the dashboard: the WebSocket's status and what it has streamed since the page opened.
 * Server state (stores, events, products…) lives in TanStack Query; this is only the stream and its status.
 */
import { create } from "zustand";
import type { EventRead } from "../api/models";
import type { NotificationMessage } from "../types/ws";

export type SocketStatus = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export const FEED_LIMIT = 200;
export const NOTIFICATION_LIMIT = 50;
export const CHECKOUT_ALERT_LIMIT = 5;

/** A checkout waiting for the person (assist link ready, or a challenge to solve): shown until dismissed. */
export interface CheckoutAlert {
  /** The event's id. */
  id: string;
  kind: EventRead["kind"];
  link: string | null;
  title: string;
  storeName: string;
  detail: string | null;
  taskId: string | null;
  at: string;
}

export interface LiveState {
  status: SocketStatus;
  /** Consecutive failed attempts; 0 once connected. */
  attempt: number;
  /** When the next reconnect attempt happens (epoch ms), while reconnecting. */
  retryAt: number | null;
  lastMessageAt: number | null;
  /** Newest first, unique by id, at most FEED_LIMIT. */
  feed: EventRead[];
  /** Ids of events that arrived over the socket (to highlight them). */
  fresh: ReadonlySet<string>;
  notifications: NotificationMessage[];
  /** Newest first, unique by id, at most CHECKOUT_ALERT_LIMIT. */
  checkoutAlerts: CheckoutAlert[];
  setStatus: (status: SocketStatus, details?: { attempt?: number; retryAt?: number | null }) => void;
  touch: (at: number) => void;
  pushEvent: (event: EventRead) => void;
  pushNotification: (message: NotificationMessage) => void;
  pushCheckoutAlert: (alert: CheckoutAlert) => void;
  dismissCheckoutAlert: (id: string) => void;
  reset: () => void;
}

const initial = {
  status: "idle" as SocketStatus,
  attempt: 0,
  retryAt: null,
  lastMessageAt: null,
  feed: [] as EventRead[],
  fresh: new Set<string>() as ReadonlySet<string>,
  notifications: [] as NotificationMessage[],
  checkoutAlerts: [] as CheckoutAlert[],
};

export const useLiveStore = create<LiveState>()((set) => ({
  ...initial,
  setStatus: (status, details = {}) =>
    set((s) => ({
      status,
      attempt: details.attempt ?? (status === "open" ? 0 : s.attempt),
      retryAt: details.retryAt ?? null,
    })),
  touch: (at) => set({ lastMessageAt: at }),
  pushEvent: (event) =>
    set((s) => {
      if (s.feed.some((e) => e.id === event.id)) return s;
      const feed = [event, ...s.feed].slice(0, FEED_LIMIT);
      const fresh = new Set(s.fresh);
      fresh.add(event.id);
      if (fresh.size > FEED_LIMIT) fresh.delete(fresh.values().next().value as string);
      return { feed, fresh };
    }),
  pushNotification: (message) =>
    set((s) => ({ notifications: [message, ...s.notifications].slice(0, NOTIFICATION_LIMIT) })),
  pushCheckoutAlert: (alert) =>
    set((s) =>
      s.checkoutAlerts.some((a) => a.id === alert.id)
        ? s
        : { checkoutAlerts: [alert, ...s.checkoutAlerts].slice(0, CHECKOUT_ALERT_LIMIT) },
    ),
  dismissCheckoutAlert: (id) => set((s) => ({ checkoutAlerts: s.checkoutAlerts.filter((a) => a.id !== id) })),
  reset: () => set({ ...initial, fresh: new Set<string>() }),
}));
