import { describe, expect, it } from "vitest";
import { makeStore } from "../../test/helpers";
import { findStore, quickTaskHref, readQuickTask } from "./quickTask";

describe("quick task links", () => {
  it("reads store, product, size and the optional profile and mode", () => {
    expect(readQuickTask(new URLSearchParams("store=https://kith.com&product=nike-dunk-low&size=10"))).toEqual({
      request: { store: "https://kith.com", product: "nike-dunk-low", size: "10" },
      problem: null,
    });
    expect(readQuickTask(new URLSearchParams("store=s1&product=1&profile=Main&mode=browser")).request).toEqual({ store: "s1", product: "1", profile: "Main", mode: "browser" });
  });

  it("says what a broken link lacks", () => {
    expect(readQuickTask(new URLSearchParams("product=x")).problem).toBe("The link needs a store.");
    expect(readQuickTask(new URLSearchParams("")).problem).toBe("The link needs a store and a product.");
    expect(readQuickTask(new URLSearchParams("store=s&product=p&mode=turbo")).problem).toMatch(/Unknown mode/);
  });

  it("finds the watched store by id or by host", () => {
    const stores = [makeStore({ id: "s1", url: "https://kith.com" })];
    expect(findStore(stores, "s1")?.id).toBe("s1");
    expect(findStore(stores, "https://www.kith.com/")?.id).toBe("s1");
    expect(findStore(stores, "https://undefeated.com")).toBeNull();
  });

  it("builds a link back to the page", () => {
    expect(quickTaskHref("https://kith.com", "dunk", "9.5")).toBe("/quicktask?store=https%3A%2F%2Fkith.com&product=dunk&size=9.5");
  });
});
