/** The rule form's model, the keyword syntax the backend uses (to explain and try it here), and ordering. */
import type { EventKind, RuleCreate, RuleRead, RuleUpdate, TaskMode } from "../../api/models";
import { formatPrice, parseList, parsePriceToCents } from "../../lib/format";

/** The store-change kinds a rule may fire on (never checkout results). */
export const RULE_KINDS: readonly EventKind[] = ["new_product", "new_variant", "restock", "price_change"];
export const DEFAULT_RULE_KINDS: readonly EventKind[] = ["new_product", "new_variant", "restock"];

export interface RuleFormValues {
  name: string;
  enabled: boolean;
  priority: string;
  keywords: string;
  sizes: string;
  storeIds: string[];
  maxPrice: string;
  kinds: EventKind[];
  profileId: string;
  mode: TaskMode;
  quantity: string;
  testMode: boolean;
  proxyListId: string;
  group: string;
}

export type RuleFormErrors = Partial<Record<keyof RuleFormValues, string>>;

export const EMPTY_RULE_FORM: RuleFormValues = {
  name: "",
  enabled: true,
  priority: "0",
  keywords: "",
  sizes: "",
  storeIds: [],
  maxPrice: "",
  kinds: [...DEFAULT_RULE_KINDS],
  profileId: "",
  mode: "assist",
  quantity: "1",
  testMode: false,
  proxyListId: "",
  group: "",
};

// ---- keywords: `+dunk -kids, jordan 1` -------------------------------------------------------------

const WORD = /[a-z0-9]+(?:[.'][a-z0-9]+)*/g;

export interface KeywordGroup {
  required: string[];
  excluded: string[];
}

/** As phantom.domain.filters.KeywordFilter.parse: commas separate alternatives; `-` excludes; `+` or bare requires. */
export function parseKeywords(text: string): KeywordGroup[] {
  const groups: KeywordGroup[] = [];
  for (const raw of text.split(",")) {
    const group: KeywordGroup = { required: [], excluded: [] };
    for (const term of raw.split(/\s+/).filter(Boolean)) {
      const excluded = term.startsWith("-");
      const word = (excluded ? term.slice(1) : term.replace(/^\+/, "")).toLowerCase().match(WORD)?.join(" ") ?? "";
      if (word) (excluded ? group.excluded : group.required).push(word);
    }
    if (group.required.length || group.excluded.length) groups.push(group);
  }
  return groups;
}

/** Whether a product title passes the keywords (whole words, case-insensitive). */
export function keywordsMatch(groups: readonly KeywordGroup[], title: string): boolean {
  if (groups.length === 0) return true;
  const words = ` ${(title.toLowerCase().match(WORD) ?? []).join(" ")} `;
  const has = (t: string) => words.includes(` ${t} `);
  return groups.some((g) => g.required.every(has) && !g.excluded.some(has));
}

/** "with dunk and low, without kids — or with jordan and 1" for the help line under the field. */
export function explainKeywords(groups: readonly KeywordGroup[]): string {
  if (groups.length === 0) return "Any title";
  return groups
    .map((g) => {
      const parts = [];
      if (g.required.length) parts.push(`with ${g.required.map((w) => `“${w}”`).join(" and ")}`);
      if (g.excluded.length) parts.push(`without ${g.excluded.map((w) => `“${w}”`).join(" or ")}`);
      return parts.join(", ");
    })
    .join(" — or ");
}

// ---- form <-> API ----------------------------------------------------------------------------------

export function formFromRule(r: RuleRead): RuleFormValues {
  return {
    name: r.name,
    enabled: r.enabled,
    priority: String(r.priority),
    keywords: r.keywords,
    sizes: r.sizes.join(", "),
    storeIds: [...r.store_ids],
    maxPrice: r.max_price !== null ? formatPrice(r.max_price, "").replace(/,/g, "") : "",
    kinds: [...r.events],
    profileId: r.profile_id ?? "",
    mode: r.mode,
    quantity: String(r.quantity),
    testMode: r.test_mode,
    proxyListId: r.proxy_list_id ?? "",
    group: r.group ?? "",
  };
}

export function validateRuleForm(v: RuleFormValues): RuleFormErrors {
  const errors: RuleFormErrors = {};
  if (!v.name.trim()) errors.name = "Name is required";
  const priority = Number(v.priority);
  if (!Number.isInteger(priority) || Math.abs(priority) > 1_000_000) errors.priority = "A whole number";
  const qty = Number(v.quantity);
  if (!Number.isInteger(qty) || qty < 1 || qty > 10) errors.quantity = "Quantity 1–10";
  if (v.maxPrice.trim()) {
    const cents = parsePriceToCents(v.maxPrice);
    if (cents === null || cents <= 0) errors.maxPrice = "A price such as 180 or 179.99";
  }
  if (!v.kinds.some((k) => RULE_KINDS.includes(k))) errors.kinds = "Pick at least one kind of change";
  if (v.mode === "browser" && !v.profileId) errors.profileId = "Browser mode needs a profile";
  return errors;
}

export function toRuleCreate(v: RuleFormValues): RuleCreate {
  return {
    name: v.name.trim(),
    enabled: v.enabled,
    priority: Number(v.priority),
    keywords: v.keywords.trim(),
    sizes: parseList(v.sizes),
    store_ids: [...v.storeIds],
    max_price: v.maxPrice.trim() ? parsePriceToCents(v.maxPrice) : null,
    events: RULE_KINDS.filter((k) => v.kinds.includes(k)),
    profile: v.profileId || null,
    mode: v.mode,
    quantity: Number(v.quantity),
    test_mode: v.testMode,
    proxy_list: v.proxyListId || null,
    group: v.group.trim() || null,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Only what changed. */
export function toRuleUpdate(v: RuleFormValues, r: RuleRead): RuleUpdate {
  const next = toRuleCreate(v);
  const before: RuleCreate = {
    name: r.name,
    enabled: r.enabled,
    priority: r.priority,
    keywords: r.keywords,
    sizes: r.sizes,
    store_ids: r.store_ids,
    max_price: r.max_price,
    events: RULE_KINDS.filter((k) => r.events.includes(k)),
    profile: r.profile_id,
    mode: r.mode,
    quantity: r.quantity,
    test_mode: r.test_mode,
    proxy_list: r.proxy_list_id,
    group: r.group,
  };
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(next) as (keyof RuleCreate)[]) {
    if (!same(next[key] ?? null, before[key] ?? null)) changes[key] = next[key] ?? null;
  }
  return changes as RuleUpdate;
}

/** Highest priority first; ties: the older rule first (the order the backend tries them). */
export function byPriority<T extends Pick<RuleRead, "priority" | "created_at" | "id">>(rules: readonly T[]): T[] {
  return [...rules].sort((a, b) => b.priority - a.priority || Date.parse(a.created_at) - Date.parse(b.created_at) || a.id.localeCompare(b.id));
}

/** A date input (yyyy-mm-dd, local) as an ISO timestamp; `endOfDay` for the upper bound. */
export function dayToIso(day: string, endOfDay = false): string | null {
  if (!day) return null;
  const d = new Date(`${day}T${endOfDay ? "23:59:59.999" : "00:00:00"}`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
