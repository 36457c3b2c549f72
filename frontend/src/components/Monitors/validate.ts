/** The store form's model and its validation, mirroring the backend's rules (StoreCreate, validate_store). */
import type { Platform, StoreCreate, StoreRead, StoreUpdate } from "../../api/models";
import { parseList } from "../../lib/format";

export const MIN_INTERVAL = 0.5;
export const MAX_INTERVAL = 86_400;

export interface StoreFormValues {
  url: string;
  platform: Platform;
  name: string;
  interval: string;
  skus: string;
  watchHandles: string;
  watchInterval: string;
  maxPages: string;
  enabled: boolean;
}

export type StoreFormErrors = Partial<Record<keyof StoreFormValues, string>>;

export const EMPTY_STORE_FORM: StoreFormValues = {
  url: "",
  platform: "shopify",
  name: "",
  interval: "2",
  skus: "",
  watchHandles: "",
  watchInterval: "",
  maxPages: "10",
  enabled: true,
};

export function formFromStore(store: StoreRead): StoreFormValues {
  return {
    url: store.url,
    platform: store.platform,
    name: store.name,
    interval: String(store.interval),
    skus: store.skus.join(", "),
    watchHandles: store.watch_handles.join(", "),
    watchInterval: store.watch_interval === null ? "" : String(store.watch_interval),
    maxPages: String(store.max_pages),
    enabled: store.enabled,
  };
}

function seconds(text: string, field: string, errors: StoreFormErrors, key: keyof StoreFormValues): void {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) errors[key] = `${field} must be a number of seconds`;
  else if (value < MIN_INTERVAL) errors[key] = `${field} must be at least ${MIN_INTERVAL}s (be polite to the store)`;
  else if (value > MAX_INTERVAL) errors[key] = `${field} must be at most ${MAX_INTERVAL}s`;
}

export function validateStoreForm(v: StoreFormValues): StoreFormErrors {
  const errors: StoreFormErrors = {};
  const url = v.url.trim();
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!url) errors.url = "URL is required";
  else if (!parsed || !["http:", "https:"].includes(parsed.protocol) || !parsed.hostname)
    errors.url = "Use an absolute http(s) URL such as https://kith.com";
  else if (url.length > 2000) errors.url = "URL is too long";
  seconds(v.interval, "Interval", errors, "interval");
  if (v.watchInterval.trim() !== "") seconds(v.watchInterval, "Watch interval", errors, "watchInterval");
  const pages = Number(v.maxPages);
  if (!Number.isInteger(pages) || pages < 1 || pages > 100) errors.maxPages = "Max pages must be a whole number from 1 to 100";
  if (v.platform === "footsites" && parseList(v.skus).length === 0)
    errors.skus = "A Footsites store needs at least one SKU to watch";
  if (parseList(v.skus).length > 500) errors.skus = "At most 500 SKUs";
  if (parseList(v.watchHandles).length > 200) errors.watchHandles = "At most 200 handles";
  if (v.name.length > 200) errors.name = "Name is too long";
  return errors;
}

export function toStoreCreate(v: StoreFormValues): StoreCreate {
  return {
    url: v.url.trim(),
    platform: v.platform,
    name: v.name.trim(),
    interval: Number(v.interval),
    skus: parseList(v.skus),
    watch_handles: parseList(v.watchHandles),
    watch_interval: v.watchInterval.trim() === "" ? null : Number(v.watchInterval),
    max_pages: Number(v.maxPages),
    enabled: v.enabled,
  };
}

/** Only what changed, so a PATCH never rewrites fields someone else changed meanwhile. */
export function toStoreUpdate(v: StoreFormValues, store: StoreRead): StoreUpdate {
  const next = toStoreCreate(v);
  const changes: StoreUpdate = {};
  if (next.url !== store.url) changes.url = next.url;
  if (next.name !== store.name) changes.name = next.name;
  if (next.interval !== store.interval) changes.interval = next.interval;
  if (JSON.stringify(next.skus) !== JSON.stringify(store.skus)) changes.skus = next.skus ?? [];
  if (JSON.stringify(next.watch_handles) !== JSON.stringify(store.watch_handles))
    changes.watch_handles = next.watch_handles ?? [];
  if ((next.watch_interval ?? null) !== store.watch_interval) changes.watch_interval = next.watch_interval ?? null;
  if (next.max_pages !== store.max_pages) changes.max_pages = next.max_pages;
  if (next.enabled !== store.enabled) changes.enabled = next.enabled;
  return changes;
}
