import { describe, expect, it } from "vitest";
import { makeEvent } from "../test/helpers";
import { FEED_LIMIT, useLiveStore } from "./live";

describe("live store", () => {
  it("puts new events first, once each", () => {
    const a = makeEvent();
    const b = makeEvent();
    const { pushEvent } = useLiveStore.getState();
    pushEvent(a);
    pushEvent(b);
    pushEvent(a);
    const { feed, fresh } = useLiveStore.getState();
    expect(feed.map((e) => e.id)).toEqual([b.id, a.id]);
    expect(fresh.has(a.id) && fresh.has(b.id)).toBe(true);
  });

  it("keeps at most FEED_LIMIT events", () => {
    const { pushEvent } = useLiveStore.getState();
    const events = Array.from({ length: FEED_LIMIT + 25 }, () => makeEvent());
    events.forEach(pushEvent);
    const { feed, fresh } = useLiveStore.getState();
    expect(feed).toHaveLength(FEED_LIMIT);
    expect(feed[0]?.id).toBe(events[events.length - 1]?.id);
    expect(fresh.size).toBeLessThanOrEqual(FEED_LIMIT);
  });

  it("tracks the socket status and resets attempts once open", () => {
    const { setStatus } = useLiveStore.getState();
    setStatus("reconnecting", { attempt: 3, retryAt: 1000 });
    expect(useLiveStore.getState()).toMatchObject({ status: "reconnecting", attempt: 3, retryAt: 1000 });
    setStatus("open");
    expect(useLiveStore.getState()).toMatchObject({ status: "open", attempt: 0, retryAt: null });
  });
});
