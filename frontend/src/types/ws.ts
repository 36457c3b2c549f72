/** Parsing of the messages the backend sends on `/ws` (their types come from the OpenAPI schema). */
import type { WsMessage } from "../api/models";

export type { NotificationMessage, StoreHealthMessage, TaskStatusMessage, WsMessage } from "../api/models";

const TYPES = new Set(["event", "store_health", "notification", "task", "ping"]);

/** Parses one frame; unknown or malformed frames give null (a newer server may send more types). */
export function parseWsMessage(raw: unknown): WsMessage | null {
  if (typeof raw !== "string") return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const msg = value as { type?: unknown; data?: unknown };
  if (typeof msg.type !== "string" || !TYPES.has(msg.type)) return null;
  if (msg.type !== "ping" && (!msg.data || typeof msg.data !== "object")) return null;
  return msg as WsMessage;
}
