/** UI state: the session as the UI sees it, filters that survive switching screens, and toasts. */
import { create } from "zustand";
import type { EventKind } from "../api/models";

export type SessionState = "checking" | "signed-in" | "signed-out";

export interface EventFilters {
  storeId: string;
  kinds: EventKind[];
  /** yyyy-mm-dd, local day; "" for no lower bound. */
  since: string;
}

export interface ProductFilters {
  q: string;
  storeId: string;
  size: string;
  styleCode: string;
  availability: "any" | "in-stock" | "sold-out";
}

export interface Toast {
  id: number;
  text: string;
  tone: "info" | "ok" | "error";
}

interface UiState {
  session: SessionState;
  eventFilters: EventFilters;
  productFilters: ProductFilters;
  toasts: Toast[];
  /** A token `rotate` just made: shown once on the login screen, then forgotten. */
  rotatedToken: string | null;
  setRotatedToken: (token: string | null) => void;
  setSession: (session: SessionState) => void;
  setEventFilters: (changes: Partial<EventFilters>) => void;
  setProductFilters: (changes: Partial<ProductFilters>) => void;
  toast: (text: string, tone?: Toast["tone"]) => void;
  dismissToast: (id: number) => void;
}

export const DEFAULT_EVENT_FILTERS: EventFilters = { storeId: "", kinds: [], since: "" };
export const DEFAULT_PRODUCT_FILTERS: ProductFilters = {
  q: "",
  storeId: "",
  size: "",
  styleCode: "",
  availability: "any",
};
const TOAST_LIMIT = 4;
let nextToastId = 1;

export const useUiStore = create<UiState>()((set) => ({
  session: "checking",
  eventFilters: DEFAULT_EVENT_FILTERS,
  productFilters: DEFAULT_PRODUCT_FILTERS,
  toasts: [],
  rotatedToken: null,
  setRotatedToken: (rotatedToken) => set({ rotatedToken }),
  setSession: (session) => set({ session }),
  setEventFilters: (changes) => set((s) => ({ eventFilters: { ...s.eventFilters, ...changes } })),
  setProductFilters: (changes) => set((s) => ({ productFilters: { ...s.productFilters, ...changes } })),
  toast: (text, tone = "info") =>
    set((s) => ({ toasts: [...s.toasts, { id: nextToastId++, text, tone }].slice(-TOAST_LIMIT) })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));
