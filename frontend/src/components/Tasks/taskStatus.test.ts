import { describe, expect, it } from "vitest";
import { makeTask } from "../../test/fixtures";
import { bulkAllowed, canDelete, canEdit, canStart, canStop, describeTarget, pollInterval, pruneSelection, toggle } from "./taskStatus";

describe("task status rules", () => {
  it("follows the backend's state machine for start and stop", () => {
    expect(canStart("idle")).toBe(true);
    expect(canStart("failed")).toBe(true);
    expect(canStart("waiting")).toBe(false);
    expect(canStart("success")).toBe(false);
    expect(canStop("waiting")).toBe(true);
    expect(canStop("submitted")).toBe(false); // the order may exist
    expect(canEdit("carting")).toBe(false);
    expect(canDelete("checking_out")).toBe(false);
    expect(canDelete("success")).toBe(true);
  });

  it("polls fast only while something is under way", () => {
    expect(pollInterval([makeTask({ status: "idle" })])).toBe(5000);
    expect(pollInterval([makeTask({ status: "idle" }), makeTask({ status: "carting" })])).toBe(1500);
  });

  it("describes the target by its most specific field", () => {
    expect(describeTarget({ url: "https://kith.com/products/nike-dunk?variant=1", handle: null, variant_id: null, sku: null, keywords: null })).toBe("nike-dunk");
    expect(describeTarget({ variant_id: "42", handle: "x" })).toBe("variant 42");
    expect(describeTarget({ keywords: "+dunk" })).toBe("“+dunk”");
  });

  it("keeps selection to visible tasks and enables only the bulk actions some selected task allows", () => {
    const a = makeTask({ status: "idle" });
    const b = makeTask({ status: "carting" });
    const selected = toggle(toggle(new Set(["gone"]), a.id), b.id);
    expect([...pruneSelection(selected, [a, b])].sort()).toEqual([a.id, b.id].sort());
    expect(bulkAllowed([a, b], new Set([a.id]))).toEqual({ start: true, stop: false, delete: true });
    expect(bulkAllowed([a, b], new Set([b.id]))).toEqual({ start: false, stop: true, delete: false });
    expect(toggle(new Set([a.id]), a.id).size).toBe(0);
  });
});
