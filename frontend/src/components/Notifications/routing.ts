/**
 * The channel routing rules as phantom/domain/filters.py applies them, so the form can say whether the
 * previewed alert would reach this channel. `"+dunk -kids, jordan 1"`: comma-separated groups are OR'ed;
 * in a group every bare or `+` term must appear as whole words and no `-` term may.
 */
import type { EventKind } from "../../api/models";
import type { SampleEvent } from "./embed";

const WORD = /[a-z0-9]+(?:[.'][a-z0-9]+)*/g;

interface Group {
  required: string[];
  excluded: string[];
}

function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export function parseKeywords(text: string | null | undefined): Group[] {
  if (!text) return [];
  const groups: Group[] = [];
  for (const raw of text.split(",")) {
    const group: Group = { required: [], excluded: [] };
    for (const term of raw.split(/\s+/).filter(Boolean)) {
      const excluded = term.startsWith("-");
      const word = words(excluded ? term.slice(1) : term.replace(/^\+/, "")).join(" ");
      if (word) (excluded ? group.excluded : group.required).push(word);
    }
    if (group.required.length || group.excluded.length) groups.push(group);
  }
  return groups;
}

export function keywordsMatch(text: string | null | undefined, title: string): boolean {
  const groups = parseKeywords(text);
  if (groups.length === 0) return true;
  const padded = ` ${words(title).join(" ")} `;
  const has = (term: string) => padded.includes(` ${term} `);
  return groups.some((g) => g.required.every(has) && !g.excluded.some(has));
}

/** "09.0", "US 9" and "9" compare equal. */
export function normalizeSize(size: string): string {
  let s = size.trim().toLowerCase();
  for (const prefix of ["us ", "us", "size "]) {
    if (s.startsWith(prefix) && s.length > prefix.length) {
      s = s.slice(prefix.length).trim();
      break;
    }
  }
  if (/^\d+(\.\d*)?$/.test(s)) {
    const [whole = "", frac = ""] = s.split(".");
    const w = whole.replace(/^0+/, "") || "0";
    const f = frac.replace(/0+$/, "");
    return f ? `${w}.${f}` : w;
  }
  return s;
}

export interface RouteRules {
  events: EventKind[];
  keywords: string;
  sizes: string[];
  /** cents */
  maxPrice: number | null;
}

/** Why the sample would be filtered out, or null when it would be sent. */
export function whyFiltered(rules: RouteRules, e: SampleEvent): string | null {
  if (!rules.events.includes(e.kind)) return "this event kind is not selected";
  if (e.kind === "password_up" || e.kind === "password_down") return null;
  if (!keywordsMatch(rules.keywords, e.title)) return "the title does not match the keywords";
  const price = Math.min(...e.variants.map((v) => v.price));
  if (rules.maxPrice !== null && price > rules.maxPrice) return "the price is above the maximum";
  if (rules.sizes.length > 0) {
    const wanted = new Set(rules.sizes.map(normalizeSize));
    const relevant = e.kind === "sold_out" ? e.changed : e.kind === "price_change" ? e.variants.filter((v) => v.available) : e.changed.filter((v) => v.available);
    if (!relevant.some((v) => wanted.has(normalizeSize(v.size)))) return "none of its sizes is one you want";
  }
  return null;
}
