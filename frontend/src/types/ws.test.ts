import { describe, expect, it } from "vitest";
import { parseWsMessage } from "./ws";

describe("parseWsMessage", () => {
  it("accepts the known types", () => {
    expect(parseWsMessage('{"type":"ping"}')).toEqual({ type: "ping" });
    expect(parseWsMessage('{"type":"store_health","data":{"store_id":"s1"}}')?.type).toBe("store_health");
  });
  it("ignores what it does not understand", () => {
    expect(parseWsMessage("not json")).toBeNull();
    expect(parseWsMessage('{"type":"surprise","data":{}}')).toBeNull();
    expect(parseWsMessage('{"type":"event"}')).toBeNull();
    expect(parseWsMessage(new ArrayBuffer(2))).toBeNull();
  });
});
