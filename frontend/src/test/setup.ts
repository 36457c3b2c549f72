import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach } from "vitest";
import { setCsrfToken } from "../api/client";
import { useLiveStore } from "../store/live";
import { DEFAULT_EVENT_FILTERS, DEFAULT_PRODUCT_FILTERS, useUiStore } from "../store/ui";

// jsdom has no matchMedia; uPlot asks it for the device pixel ratio when it loads.
if (!window.matchMedia) {
  window.matchMedia = (query: string): MediaQueryList =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
}

beforeEach(() => {
  useLiveStore.getState().reset();
  useUiStore.setState({
    session: "checking",
    eventFilters: DEFAULT_EVENT_FILTERS,
    productFilters: DEFAULT_PRODUCT_FILTERS,
    toasts: [],
    rotatedToken: null,
  });
  setCsrfToken(null);
  window.history.replaceState(null, "", "/");
});

afterEach(() => {
  cleanup();
});
