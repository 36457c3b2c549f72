/** `/quicktask?store=…&product=…&size=…[&profile=…&mode=…]`: what a one-click link asks for. */
import type { StoreRead } from "../../api/models";
import type { QuickTaskRequest } from "../../hooks/queries/tasks";

export interface QuickTaskLink {
  request: QuickTaskRequest | null;
  /** Why the link cannot start a task, when it cannot. */
  problem: string | null;
}

export function readQuickTask(search: URLSearchParams): QuickTaskLink {
  const store = search.get("store")?.trim() ?? "";
  const product = search.get("product")?.trim() ?? "";
  if (!store || !product) {
    return { request: null, problem: `The link needs ${!store && !product ? "a store and a product" : !store ? "a store" : "a product"}.` };
  }
  const mode = search.get("mode");
  if (mode && mode !== "assist" && mode !== "browser") return { request: null, problem: `Unknown mode "${mode}" (assist or browser).` };
  const request: QuickTaskRequest = { store, product };
  const size = search.get("size")?.trim();
  const profile = search.get("profile")?.trim();
  if (size) request.size = size;
  if (profile) request.profile = profile;
  if (mode === "assist" || mode === "browser") request.mode = mode;
  return { request, problem: null };
}

function host(url: string): string {
  try {
    return new URL(url).host.replace(/^www\./, "");
  } catch {
    return url.replace(/^https?:\/\//, "").replace(/\/.*$/, "").replace(/^www\./, "");
  }
}

/** The watched store a link means (by id or by URL), if Phantom knows it. */
export function findStore(stores: readonly StoreRead[], ref: string): StoreRead | null {
  return stores.find((s) => s.id === ref) ?? stores.find((s) => host(s.url) === host(ref)) ?? null;
}

/** A link to this page, for product pages and the docs. */
export function quickTaskHref(store: string, product: string, size?: string): string {
  const q = new URLSearchParams({ store, product });
  if (size) q.set("size", size);
  return `/quicktask?${q.toString()}`;
}
