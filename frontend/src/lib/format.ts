/** Formatting shared by every screen: prices from cents, relative times, durations, sizes, event kinds. */
import type { EventKind, EventRead } from "../api/models";

/** 12345 -> "$123.45"; the store's own currency is not known, so one symbol throughout (as the alerts do). */
export function formatPrice(cents: number | null | undefined, currency = "$"): string {
  if (cents === null || cents === undefined || !Number.isFinite(cents)) return "—";
  const sign = cents < 0 ? "-" : "";
  const abs = Math.round(Math.abs(cents));
  const whole = Math.floor(abs / 100).toLocaleString("en-US");
  const frac = String(abs % 100).padStart(2, "0");
  return `${sign}${currency}${whole}.${frac}`;
}

/** Dollars typed in a form -> cents; null for an empty or invalid value. */
export function parsePriceToCents(text: string): number | null {
  const cleaned = text.trim().replace(/^\$/, "").replace(/,/g, "");
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  return Math.round(Number(cleaned) * 100);
}

function toMillis(value: string | number | Date): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number") return value;
  return Date.parse(value);
}

/** "just now", "42s ago", "5m ago", "3h ago", "2d ago", or a date once it is over a week old. */
export function relativeTime(value: string | number | Date | null | undefined, now: number = Date.now()): string {
  if (value === null || value === undefined) return "never";
  const at = toMillis(value);
  if (Number.isNaN(at)) return "—";
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 0) return seconds > -5 ? "just now" : `in ${formatDuration(-seconds * 1000)}`;
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ago`;
  const days = Math.floor(hours / 24);
  if (days < 7) return `${days}d ago`;
  return new Date(at).toISOString().slice(0, 10);
}

/** Wall-clock time of day in UTC-independent local form, e.g. "14:03:27". */
export function clockTime(value: string | number | Date): string {
  const d = new Date(toMillis(value));
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** 850 -> "850 ms", 1234 -> "1.2 s", 125000 -> "2m 5s", 7200000 -> "2h 0m". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${whole % 60}s`;
  return `${Math.floor(whole / 3600)}h ${Math.floor((whole % 3600) / 60)}m`;
}

/** How long Phantom took to see a change: detected_at − changed_at, when the store says when it changed. */
export function detectionLatencyMs(event: Pick<EventRead, "detected_at" | "changed_at">): number | null {
  if (!event.changed_at) return null;
  const ms = Date.parse(event.detected_at) - Date.parse(event.changed_at);
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

function sizeKey(size: string): [number, number, string] {
  const s = size.trim().toLowerCase().replace(/^(us|size)\s*/, "");
  const n = Number.parseFloat(s);
  if (!Number.isNaN(n) && /^\d/.test(s)) return [0, n, s];
  const letters = ["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"];
  const i = letters.indexOf(s);
  return i >= 0 ? [1, i, s] : [2, 0, s];
}

/** Order of size labels: numeric sizes first, then letter sizes (XS…XXL), then anything else. */
export function compareSizes(a: string, b: string): number {
  const [ga, na, sa] = sizeKey(a);
  const [gb, nb, sb] = sizeKey(b);
  return ga - gb || na - nb || sa.localeCompare(sb);
}

export function sortSizes(sizes: readonly string[]): string[] {
  return [...sizes].sort(compareSizes);
}

/** "8, 8.5, 9 +3 more" — at most `max` sizes, sorted. */
export function formatSizes(sizes: readonly string[], max = 8): string {
  if (sizes.length === 0) return "none";
  const sorted = sortSizes(sizes);
  const shown = sorted.slice(0, max).join(", ");
  return sorted.length > max ? `${shown} +${sorted.length - max} more` : shown;
}

/** Split a comma-separated list typed by a person: "8, 9.5,,10 " -> ["8", "9.5", "10"]. */
export function parseList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export const KIND_LABELS: Record<EventKind, string> = {
  new_product: "New product",
  new_variant: "New sizes",
  restock: "Restock",
  sold_out: "Sold out",
  price_change: "Price change",
  password_up: "Password up",
  password_down: "Password down",
  checkout_link: "Checkout ready",
  checkout_success: "Checkout success",
  checkout_failed: "Checkout failed",
  needs_action: "Action needed",
};

/** Colours match the Discord embeds the alerts carry. */
export const KIND_COLOURS: Record<EventKind, string> = {
  new_product: "#2ecc71",
  new_variant: "#1abc9c",
  restock: "#3498db",
  sold_out: "#95a5a6",
  price_change: "#f39c12",
  password_up: "#9b59b6",
  password_down: "#f1c40f",
  checkout_link: "#5865f2",
  checkout_success: "#27ae60",
  checkout_failed: "#c0392b",
  needs_action: "#e67e22",
};

export function kindLabel(kind: EventKind): string {
  return KIND_LABELS[kind];
}

/** The sizes an event is about: in stock for drops and restocks, the ones that went for a sell-out. */
export function eventSizes(event: Pick<EventRead, "kind" | "variants">): string[] {
  const variants = event.kind === "sold_out" ? event.variants : event.variants.filter((v) => v.available);
  return sortSizes(variants.map((v) => v.size));
}

/** Percentile (0–100) of a list of numbers, nearest-rank. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? null;
}

/** "New Balance" -> "NB": a placeholder for products whose store sends no image. */
export function monogram(name: string): string {
  const words = name.split(/[\s-]+/).filter((w) => /^[a-z0-9]/i.test(w));
  return (
    words
      .slice(0, 2)
      .map((w) => (w[0] as string).toUpperCase())
      .join("") || "?"
  );
}
