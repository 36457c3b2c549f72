import { describe, expect, it } from "vitest";
import { makeTask } from "../../test/fixtures";
import { EMPTY_TASK_FORM, formFromQuery, formFromTask, parseProductRef, toTaskCreate, toTaskUpdate, validateTaskForm } from "./taskForm";

describe("parseProductRef", () => {
  it("reads one box the way the backend does", () => {
    expect(parseProductRef("https://kith.com/products/dunk")).toEqual({ url: "https://kith.com/products/dunk" });
    expect(parseProductRef("40000000001")).toEqual({ variant_id: "40000000001" });
    expect(parseProductRef("DD1391-100")).toEqual({ sku: "DD1391-100" });
    expect(parseProductRef("Nike-Dunk-Low")).toEqual({ handle: "nike-dunk-low" });
    expect(parseProductRef("  ")).toBeNull();
  });
});

describe("task form", () => {
  it("needs a store and a product or keywords, and a profile for browser mode", () => {
    expect(validateTaskForm(EMPTY_TASK_FORM)).toEqual({ storeId: "Pick a store", product: expect.any(String) });
    expect(validateTaskForm({ ...EMPTY_TASK_FORM, storeId: "s1", keywords: "+dunk", mode: "browser", quantity: "11", maxPrice: "abc" })).toEqual({
      profileId: "Browser mode needs a profile",
      quantity: "Quantity 1–10",
      maxPrice: expect.any(String),
    });
  });

  it("builds the create body: target, sizes list (empty = any), cents", () => {
    const body = toTaskCreate({ ...EMPTY_TASK_FORM, storeId: "s1", product: "DD1391-100", keywords: "+panda", sizes: "9.5, 10", maxPrice: "$180", group: " drop ", testMode: true });
    expect(body).toEqual({
      store: "s1",
      sku: "DD1391-100",
      keywords: "+panda",
      mode: "assist",
      sizes: ["9.5", "10"],
      quantity: 1,
      profile: null,
      max_price: 18000,
      proxy_list: null,
      group: "drop",
      test_mode: true,
    });
  });

  it("prefills from a product page or event link", () => {
    const form = formFromQuery(new URLSearchParams("new=1&store=s1&product=https://kith.com/products/dunk&size=10&size=11"));
    expect(form).toMatchObject({ storeId: "s1", product: "https://kith.com/products/dunk", sizes: "10, 11", start: true });
  });

  it("round-trips a task and sends only what changed", () => {
    const task = makeTask();
    const form = formFromTask(task);
    expect(form).toMatchObject({ product: "nike-dunk-low", sizes: "9, 10", maxPrice: "180.00", profileId: "p1" });
    expect(toTaskUpdate(form, task)).toEqual({});
    expect(toTaskUpdate({ ...form, sizes: "", maxPrice: "", quantity: "2" }, task)).toEqual({ sizes: [], max_price: null, quantity: 2 });
    // A new product clears the old target fields.
    expect(toTaskUpdate({ ...form, product: "DD1391-100" }, task)).toEqual({ url: null, handle: null, variant_id: null, sku: "DD1391-100", keywords: null });
    expect(toTaskUpdate({ ...form, profileId: "" }, task)).toEqual({ profile: null });
  });
});
