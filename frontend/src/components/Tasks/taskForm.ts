/** The task form's model: one product box (URL, handle, variant id or SKU) plus keywords, as the backend reads them. */
import type { TaskCreate, TaskMode, TaskRead, TaskUpdate } from "../../api/models";

/** What a task buys: at least one of these (the most specific one wins when the backend resolves it). */
export type ProductTarget = Partial<Pick<TaskRead, "url" | "handle" | "variant_id" | "sku" | "keywords">>;
const TARGET_FIELDS = ["url", "handle", "variant_id", "sku", "keywords"] as const;
import { formatPrice, parseList, parsePriceToCents } from "../../lib/format";

export interface TaskFormValues {
  storeId: string;
  product: string;
  keywords: string;
  /** Comma-separated; empty = any size. */
  sizes: string;
  quantity: string;
  profileId: string;
  mode: TaskMode;
  maxPrice: string;
  proxyListId: string;
  group: string;
  testMode: boolean;
  /** Start it right after creating. */
  start: boolean;
}

export type TaskFormErrors = Partial<Record<keyof TaskFormValues, string>>;

export const EMPTY_TASK_FORM: TaskFormValues = {
  storeId: "",
  product: "",
  keywords: "",
  sizes: "",
  quantity: "1",
  profileId: "",
  mode: "assist",
  maxPrice: "",
  proxyListId: "",
  group: "",
  testMode: false,
  start: true,
};

const STYLE_CODE = /^[A-Z0-9]{2,}[-_ ]?[A-Z0-9]{2,}$/;

/** The same reading as phantom.domain.tasks.parse_product_ref: URL, numeric variant id, upper-case SKU, or handle. */
export function parseProductRef(text: string): ProductTarget | null {
  const ref = text.trim();
  if (!ref) return null;
  if (/^https?:\/\//i.test(ref)) return { url: ref };
  if (/^\d+$/.test(ref)) return { variant_id: ref };
  if (STYLE_CODE.test(ref) && /\d/.test(ref) && ref.toUpperCase() === ref) return { sku: ref };
  return { handle: ref.toLowerCase() };
}

/** The product box's text for a stored target (the keywords have their own box). */
export function productRefOf(target: ProductTarget): string {
  return target.url ?? target.variant_id ?? target.sku ?? target.handle ?? "";
}

export function formFromTask(task: TaskRead): TaskFormValues {
  return {
    storeId: task.store_id,
    product: productRefOf(task),
    keywords: task.keywords ?? "",
    sizes: task.sizes.join(", "),
    quantity: String(task.quantity),
    profileId: task.profile_id ?? "",
    mode: task.mode,
    maxPrice: task.max_price !== null ? formatPrice(task.max_price, "").replace(/,/g, "") : "",
    proxyListId: task.proxy_list_id ?? "",
    group: task.group ?? "",
    testMode: task.test_mode,
    start: false,
  };
}

/** A prefilled form from a link: `/tasks?new=1&store=…&product=…&size=…&keywords=…` (product page, event row). */
export function formFromQuery(search: URLSearchParams): TaskFormValues {
  return {
    ...EMPTY_TASK_FORM,
    storeId: search.get("store") ?? "",
    product: search.get("product") ?? "",
    keywords: search.get("keywords") ?? "",
    sizes: search.getAll("size").join(", "),
    profileId: search.get("profile") ?? "",
    mode: search.get("mode") === "browser" ? "browser" : "assist",
  };
}

export function validateTaskForm(v: TaskFormValues): TaskFormErrors {
  const errors: TaskFormErrors = {};
  if (!v.storeId) errors.storeId = "Pick a store";
  if (!v.product.trim() && !v.keywords.trim()) errors.product = "Give a product (URL, handle, variant id or SKU) or keywords";
  const qty = Number(v.quantity);
  if (!Number.isInteger(qty) || qty < 1 || qty > 10) errors.quantity = "Quantity 1–10";
  if (v.maxPrice.trim()) {
    const cents = parsePriceToCents(v.maxPrice);
    if (cents === null || cents <= 0) errors.maxPrice = "A price such as 180 or 179.99";
  }
  if (v.mode === "browser" && !v.profileId) errors.profileId = "Browser mode needs a profile";
  if (parseList(v.sizes).length > 50) errors.sizes = "At most 50 sizes";
  return errors;
}

function target(v: TaskFormValues): ProductTarget {
  const parsed = parseProductRef(v.product) ?? {};
  const keywords = v.keywords.trim();
  return keywords ? { ...parsed, keywords } : parsed;
}

export function toTaskCreate(v: TaskFormValues): TaskCreate {
  return {
    store: v.storeId,
    ...target(v),
    mode: v.mode,
    sizes: parseList(v.sizes),
    quantity: Number(v.quantity),
    profile: v.profileId || null,
    max_price: v.maxPrice.trim() ? parsePriceToCents(v.maxPrice) : null,
    proxy_list: v.proxyListId || null,
    group: v.group.trim() || null,
    test_mode: v.testMode,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Only what changed, so a PATCH never rewrites a field someone else changed meanwhile. A changed product
 * sends every target field (null clears the ones no longer used: a handle replaced by a SKU). */
export function toTaskUpdate(v: TaskFormValues, task: TaskRead): TaskUpdate {
  const next = toTaskCreate(v);
  const changes: TaskUpdate = {};
  if (TARGET_FIELDS.some((k) => (next[k] ?? null) !== task[k])) {
    for (const k of TARGET_FIELDS) changes[k] = next[k] ?? null;
  }
  if (next.mode !== task.mode) changes.mode = next.mode ?? "assist";
  if (!same(next.sizes, task.sizes)) changes.sizes = next.sizes ?? [];
  if (next.quantity !== task.quantity) changes.quantity = next.quantity ?? 1;
  if ((next.profile ?? null) !== task.profile_id) changes.profile = next.profile ?? null;
  if ((next.max_price ?? null) !== task.max_price) changes.max_price = next.max_price ?? null;
  if ((next.proxy_list ?? null) !== task.proxy_list_id) changes.proxy_list = next.proxy_list ?? null;
  if ((next.group ?? null) !== task.group) changes.group = next.group ?? null;
  if (next.test_mode !== task.test_mode) changes.test_mode = next.test_mode ?? false;
  return changes;
}
