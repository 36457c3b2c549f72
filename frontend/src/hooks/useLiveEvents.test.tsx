import { act, render, screen } from "@testing-library/react";
import { QueryClientProvider } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { EventPage } from "../api/models";
import { ConnectionStatus } from "../components/common/ConnectionStatus";
import { useLiveStore } from "../store/live";
import { makeEvent, newQueryClient } from "../test/helpers";
import type { SocketLike } from "./liveConnection";
import { eventKeys } from "./queries/events";
import { useLiveEvents } from "./useLiveEvents";

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
  close() {
    this.closed = true;
  }
}

const createSocket = (url: string) => new FakeSocket(url);

function Live({ enabled = true }: { enabled?: boolean }) {
  const retry = useLiveEvents({ enabled, createSocket, baseDelayMs: 1000, maxDelayMs: 8000 });
  return <ConnectionStatus onRetry={retry} />;
}

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("useLiveEvents", () => {
  it("shows the connection state and feeds events into the caches", () => {
    const client = newQueryClient();
    const key = eventKeys.list({ limit: 30 });
    client.setQueryData<EventPage>(key, { items: [], next_cursor: null });
    render(
      <QueryClientProvider client={client}>
        <Live />
      </QueryClientProvider>,
    );
    const socket = FakeSocket.all[0] as FakeSocket;
    expect(socket.url).toBe(`ws://${window.location.host}/ws`);
    expect(screen.getByRole("status")).toHaveTextContent("Connecting");

    act(() => socket.onopen?.(new Event("open")));
    expect(screen.getByRole("status")).toHaveTextContent("Live");

    const event = makeEvent();
    act(() => socket.onmessage?.(new MessageEvent("message", { data: JSON.stringify({ type: "event", data: event }) })));
    expect(useLiveStore.getState().feed[0]?.id).toBe(event.id);
    expect(client.getQueryData<EventPage>(key)?.items[0]?.id).toBe(event.id);
  });

  it("shows the countdown while reconnecting and retries on demand", () => {
    render(
      <QueryClientProvider client={newQueryClient()}>
        <Live />
      </QueryClientProvider>,
    );
    const socket = FakeSocket.all[0] as FakeSocket;
    act(() => socket.onclose?.(new CloseEvent("close")));
    expect(screen.getByRole("status")).toHaveTextContent(/Reconnecting in \d+s/);
    act(() => screen.getByRole("button", { name: "Retry now" }).click());
    expect(FakeSocket.all).toHaveLength(2);
  });

  it("does not connect while disabled and closes on unmount", () => {
    const client = newQueryClient();
    const { rerender, unmount } = render(
      <QueryClientProvider client={client}>
        <Live enabled={false} />
      </QueryClientProvider>,
    );
    expect(FakeSocket.all).toHaveLength(0);
    rerender(
      <QueryClientProvider client={client}>
        <Live enabled />
      </QueryClientProvider>,
    );
    expect(FakeSocket.all).toHaveLength(1);
    unmount();
    expect(FakeSocket.all[0]?.closed).toBe(true);
    expect(useLiveStore.getState().status).toBe("closed");
  });
});
