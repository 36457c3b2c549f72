/**
 * Checkout events on the socket (checkout_link, checkout_success, checkout_failed, needs_action): refresh the
 * task they are about, and put a link that needs the person in front of them at once — a banner in the
 * dashboard and, when allowed, a desktop notification.
 */
import type { QueryClient } from "@tanstack/react-query";
import { CHECKOUT_EVENT_KINDS, type EventRead, type TaskRead } from "../../api/models";
import { useLiveStore, type CheckoutAlert } from "../../store/live";
import type { TaskStatusMessage, WsMessage } from "../../types/ws";
import { checkoutKeys } from "./checkouts";
import { taskKeys } from "./tasks";

/** The kinds where a person has to act now. */
const NEEDS_PERSON = new Set<EventRead["kind"]>(["checkout_link", "needs_action"]);

export function isCheckoutEvent(event: Pick<EventRead, "kind">): boolean {
  return CHECKOUT_EVENT_KINDS.includes(event.kind);
}

export function alertOf(event: EventRead): CheckoutAlert {
  return {
    id: event.id,
    kind: event.kind,
    link: event.link ?? null,
    title: event.product_title ?? "Checkout",
    storeName: event.store_name,
    detail: event.detail ?? null,
    taskId: event.task_id ?? null,
    at: event.detected_at,
  };
}

export type DesktopNotifier = (alert: CheckoutAlert) => void;

/** A browser notification when the person allowed them; clicking it opens the checkout. */
export const desktopNotify: DesktopNotifier = (alert) => {
  const N = globalThis.Notification;
  if (typeof N !== "function" || N.permission !== "granted") return;
  const title = alert.kind === "checkout_link" ? `Checkout ready: ${alert.title}` : `Action needed: ${alert.title}`;
  const body = [alert.storeName, alert.detail].filter(Boolean).join(" · ") || "Open Phantom";
  try {
    const n = new N(title, { body, tag: alert.id, requireInteraction: true });
    n.onclick = () => {
      window.focus();
      if (alert.link) window.open(alert.link, "_blank", "noopener,noreferrer");
      n.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker; the banner is still there.
  }
};

function patchTask(task: TaskRead, event: EventRead): TaskRead {
  return event.link ? { ...task, checkout_url: event.link } : task;
}

export function applyCheckoutEvent(queryClient: QueryClient, event: EventRead, notify: DesktopNotifier = desktopNotify): void {
  if (!isCheckoutEvent(event)) return;
  const taskId = event.task_id;
  if (taskId) {
    // The link button appears at once; the status and attempts come with the refetch.
    for (const [key] of queryClient.getQueriesData<TaskRead[]>({ queryKey: taskKeys.lists() })) {
      queryClient.setQueryData<TaskRead[]>(key, (list) => list?.map((t) => (t.id === taskId ? patchTask(t, event) : t)));
    }
    queryClient.setQueryData<TaskRead>(taskKeys.detail(taskId), (t) => (t ? patchTask(t, event) : t));
    void queryClient.invalidateQueries({ queryKey: taskKeys.detail(taskId) });
  }
  void queryClient.invalidateQueries({ queryKey: taskKeys.lists() });
  void queryClient.invalidateQueries({ queryKey: checkoutKeys.all });
  if (NEEDS_PERSON.has(event.kind)) {
    const alert = alertOf(event);
    const live = useLiveStore.getState();
    const isNew = !live.checkoutAlerts.some((a) => a.id === alert.id);
    live.pushCheckoutAlert(alert);
    if (isNew) notify(alert);
  } else if (taskId) {
    // Success or failure settles the task: its earlier "open the link" banner is no longer wanted.
    const live = useLiveStore.getState();
    for (const a of live.checkoutAlerts) if (a.taskId === taskId) live.dismissCheckoutAlert(a.id);
  }
}

/** A task moved (waiting → carting → checking out → …): its row changes in place, without a refetch. */
export function applyTaskStatus(queryClient: QueryClient, status: TaskStatusMessage): void {
  const patch = (t: TaskRead): TaskRead =>
    t.id === status.task_id
      ? {
          ...t,
          status: status.status,
          status_reason: status.status_reason,
          attempts: status.attempts,
          checkout_url: status.checkout_url,
          updated_at: status.updated_at,
        }
      : t;
  for (const [key] of queryClient.getQueriesData<TaskRead[]>({ queryKey: taskKeys.lists() })) {
    queryClient.setQueryData<TaskRead[]>(key, (list) => list?.map(patch));
  }
  queryClient.setQueryData<TaskRead>(taskKeys.detail(status.task_id), (t) => (t ? patch(t) : t));
}

export function applyCheckoutMessage(queryClient: QueryClient, message: WsMessage, notify?: DesktopNotifier): void {
  if (message.type === "event") applyCheckoutEvent(queryClient, message.data, notify);
  if (message.type === "task") applyTaskStatus(queryClient, message.data);
}
