import { describe, expect, it, vi } from "vitest";
import type { TaskRead } from "../../api/models";
import { useLiveStore } from "../../store/live";
import { makeTask } from "../../test/fixtures";
import { makeEvent, newQueryClient } from "../../test/helpers";
import { applyLiveMessage } from "../liveCache";
import { applyCheckoutEvent, applyCheckoutMessage } from "./checkoutLive";
import { taskKeys } from "./tasks";

const linkEvent = (taskId: string) =>
  makeEvent({ kind: "checkout_link", link: "https://kith.com/cart/1:1?checkout[email]=a", detail: "size 10", task_id: taskId, variants: [] });

describe("checkout events on the socket", () => {
  it("puts the link on the task row at once, refreshes it, and raises one banner and one notification", () => {
    const client = newQueryClient();
    const task = makeTask({ status: "carting" });
    const other = makeTask();
    const key = taskKeys.list({});
    client.setQueryData<TaskRead[]>(key, [task, other]);
    const notify = vi.fn();
    const event = linkEvent(task.id);

    applyCheckoutEvent(client, event, notify);
    applyCheckoutEvent(client, event, notify); // the same event again (a reconnect replay)

    const rows = client.getQueryData<TaskRead[]>(key);
    expect(rows?.[0]?.checkout_url).toBe(event.link);
    expect(rows?.[1]?.checkout_url).toBeNull();
    expect(client.getQueryState(key)?.isInvalidated).toBe(true);
    const alerts = useLiveStore.getState().checkoutAlerts;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: "checkout_link", link: event.link, taskId: task.id, detail: "size 10" });
    expect(notify).toHaveBeenCalledTimes(1);
  });

  it("clears a task's banner when its checkout succeeds, and ignores store events", () => {
    const client = newQueryClient();
    const notify = vi.fn();
    applyCheckoutEvent(client, linkEvent("t9"), notify);
    applyCheckoutEvent(client, makeEvent({ kind: "restock" }), notify);
    expect(useLiveStore.getState().checkoutAlerts).toHaveLength(1);
    applyCheckoutMessage(client, { type: "event", data: makeEvent({ kind: "checkout_success", task_id: "t9" }) }, notify);
    expect(useLiveStore.getState().checkoutAlerts).toHaveLength(0);
    expect(notify).toHaveBeenCalledTimes(1);
  });

  it("raises a banner for needs_action too, and the event still reaches the live feed", () => {
    const client = newQueryClient();
    const event = makeEvent({ kind: "needs_action", link: "https://kith.com/checkouts/c1", detail: "CAPTCHA", task_id: "t1" });
    applyLiveMessage(client, { type: "event", data: event });
    applyCheckoutMessage(client, { type: "event", data: event }, () => {});
    expect(useLiveStore.getState().feed[0]?.id).toBe(event.id);
    expect(useLiveStore.getState().checkoutAlerts[0]).toMatchObject({ kind: "needs_action", detail: "CAPTCHA" });
  });
});

describe("desktopNotify", () => {
  it("notifies only when permitted, and opens the link on click", async () => {
    const { desktopNotify } = await import("./checkoutLive");
    const made: { title: string; onclick: (() => void) | null; close: () => void }[] = [];
    class FakeNotification {
      static permission: NotificationPermission = "denied";
      onclick: (() => void) | null = null;
      constructor(readonly title: string) {
        made.push(this);
      }
      close() {}
    }
    vi.stubGlobal("Notification", FakeNotification);
    const open = vi.spyOn(window, "open").mockImplementation(() => null);
    vi.spyOn(window, "focus").mockImplementation(() => {});
    const alert = { id: "e1", kind: "checkout_link" as const, link: "https://x/cart", title: "Dunk", storeName: "Kith", detail: null, taskId: "t1", at: "2026-01-01T00:00:00Z" };
    desktopNotify(alert);
    expect(made).toHaveLength(0);
    FakeNotification.permission = "granted";
    desktopNotify(alert);
    expect(made[0]?.title).toBe("Checkout ready: Dunk");
    made[0]?.onclick?.();
    expect(open).toHaveBeenCalledWith("https://x/cart", "_blank", "noopener,noreferrer");
    vi.unstubAllGlobals();
  });
});

describe("task status messages on the socket", () => {
  it("moves the task's row in place without touching the others", () => {
    const client = newQueryClient();
    const task = makeTask({ status: "waiting" });
    const other = makeTask({ status: "idle" });
    const key = taskKeys.list({});
    client.setQueryData<TaskRead[]>(key, [task, other]);
    client.setQueryData<TaskRead>(taskKeys.detail(task.id), task);

    applyCheckoutMessage(client, {
      type: "task",
      data: {
        task_id: task.id,
        status: "checking_out",
        status_reason: "attempt 1",
        attempts: 1,
        checkout_url: null,
        updated_at: "2026-11-27T10:00:00Z",
      },
    });

    const rows = client.getQueryData<TaskRead[]>(key);
    expect(rows?.[0]).toMatchObject({ status: "checking_out", status_reason: "attempt 1", attempts: 1 });
    expect(rows?.[1]).toEqual(other);
    expect(client.getQueryData<TaskRead>(taskKeys.detail(task.id))?.status).toBe("checking_out");
  });
});
