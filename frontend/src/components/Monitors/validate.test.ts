import { describe, expect, it } from "vitest";
import { makeStore } from "../../test/helpers";
import { EMPTY_STORE_FORM, formFromStore, toStoreCreate, toStoreUpdate, validateStoreForm } from "./validate";

const valid = { ...EMPTY_STORE_FORM, url: "https://kith.com" };

describe("validateStoreForm", () => {
  it("accepts a plain Shopify store", () => {
    expect(validateStoreForm(valid)).toEqual({});
  });
  it.each([
    ["", "URL is required"],
    ["kith.com", "absolute http(s) URL"],
    ["ftp://kith.com", "absolute http(s) URL"],
  ])("refuses url %j", (url, message) => {
    expect(validateStoreForm({ ...valid, url }).url).toContain(message);
  });
  it("keeps the politeness floor and the ceiling", () => {
    expect(validateStoreForm({ ...valid, interval: "0.2" }).interval).toContain("at least 0.5s");
    expect(validateStoreForm({ ...valid, interval: "99999" }).interval).toContain("at most");
    expect(validateStoreForm({ ...valid, interval: "fast" }).interval).toContain("number");
    expect(validateStoreForm({ ...valid, watchInterval: "0.1" }).watchInterval).toContain("at least");
    expect(validateStoreForm({ ...valid, watchInterval: "" }).watchInterval).toBeUndefined();
  });
  it("needs SKUs for Footsites", () => {
    expect(validateStoreForm({ ...valid, platform: "footsites" }).skus).toContain("at least one SKU");
    expect(validateStoreForm({ ...valid, platform: "footsites", skus: "DD1391-100" })).toEqual({});
  });
  it("bounds max pages", () => {
    expect(validateStoreForm({ ...valid, maxPages: "0" }).maxPages).toBeDefined();
    expect(validateStoreForm({ ...valid, maxPages: "2.5" }).maxPages).toBeDefined();
    expect(validateStoreForm({ ...valid, maxPages: "100" }).maxPages).toBeUndefined();
  });
});

describe("form conversion", () => {
  it("builds the create body", () => {
    expect(toStoreCreate({ ...valid, name: " Kith ", interval: "1.5", watchHandles: "a, b", watchInterval: "" })).toEqual({
      url: "https://kith.com",
      platform: "shopify",
      name: "Kith",
      interval: 1.5,
      skus: [],
      watch_handles: ["a", "b"],
      watch_interval: null,
      max_pages: 10,
      enabled: true,
    });
  });
  it("sends only what changed", () => {
    const store = makeStore({ interval: 2, watch_handles: ["a"] });
    const form = formFromStore(store);
    expect(toStoreUpdate(form, store)).toEqual({});
    expect(toStoreUpdate({ ...form, interval: "5", enabled: false }, store)).toEqual({ interval: 5, enabled: false });
    expect(toStoreUpdate({ ...form, watchHandles: "" }, store)).toEqual({ watch_handles: [] });
  });
});
