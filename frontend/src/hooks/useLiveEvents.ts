/** The dashboard's one WebSocket: connects while signed in, feeds the caches and the live store. */
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { useLiveStore } from "../store/live";
import { applyLiveMessage } from "./liveCache";
import { applyCheckoutMessage } from "./queries/checkoutLive";
import { LiveConnection, defaultSocketUrl, type SocketFactory } from "./liveConnection";

export interface UseLiveEventsOptions {
  enabled?: boolean;
  url?: string;
  createSocket?: SocketFactory;
  baseDelayMs?: number;
  maxDelayMs?: number;
  staleAfterMs?: number;
}

/** Returns a function that skips the back-off and reconnects now. */
export function useLiveEvents(options: UseLiveEventsOptions = {}): () => void {
  const { enabled = true, url, createSocket, baseDelayMs, maxDelayMs, staleAfterMs } = options;
  const queryClient = useQueryClient();
  const connection = useRef<LiveConnection | null>(null);

  useEffect(() => {
    if (!enabled) return undefined;
    const setStatus = useLiveStore.getState().setStatus;
    const conn = new LiveConnection({
      url: url ?? defaultSocketUrl(),
      onMessage: (message) => {
        applyLiveMessage(queryClient, message);
        applyCheckoutMessage(queryClient, message);
      },
      onStatus: (status, info) => setStatus(status, info),
      ...(createSocket ? { createSocket } : {}),
      ...(baseDelayMs !== undefined ? { baseDelayMs } : {}),
      ...(maxDelayMs !== undefined ? { maxDelayMs } : {}),
      ...(staleAfterMs !== undefined ? { staleAfterMs } : {}),
    });
    connection.current = conn;
    conn.start();
    const online = () => conn.retryNow();
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("online", online);
      conn.stop();
      connection.current = null;
    };
  }, [enabled, url, createSocket, baseDelayMs, maxDelayMs, staleAfterMs, queryClient]);

  return () => connection.current?.retryNow();
}
