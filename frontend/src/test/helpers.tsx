/** Test helpers: a fetch stub that routes by "METHOD /path", sample data, and a provider wrapper. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, type RenderResult } from "@testing-library/react";
import type { ReactElement, ReactNode } from "react";
import { vi } from "vitest";
import type { EventRead, StoreRead } from "../api/models";

export type Handler = (request: Request) => Response | Promise<Response>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** Replaces globalThis.fetch; unknown routes answer 404. Returns the requests seen. */
export function stubFetch(routes: Record<string, Handler>): Request[] {
  const seen: Request[] = [];
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    seen.push(request);
    const url = new URL(request.url);
    const handler = routes[`${request.method} ${url.pathname}`];
    return handler ? handler(request) : json({ error: "NotFound", detail: url.pathname }, 404);
  });
  return seen;
}

export function newQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } } });
}

export function wrapper(client: QueryClient) {
  return function Wrapper({ children }: { children: ReactNode }) {
    return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  };
}

export function renderWithClient(ui: ReactElement, client: QueryClient = newQueryClient()): { result: RenderResult; client: QueryClient } {
  return { result: render(ui, { wrapper: wrapper(client) }), client };
}

let n = 0;

export function makeEvent(overrides: Partial<EventRead> = {}): EventRead {
  n += 1;
  return {
    id: `ev${n}`,
    store_id: "s1",
    store_name: "Kith",
    kind: "restock",
    detected_at: "2025-03-01T12:00:05Z",
    changed_at: "2025-03-01T12:00:04Z",
    product_id: "p1",
    product_title: "Nike Dunk Low Panda",
    product_url: "https://kith.com/products/dunk",
    image: null,
    price: 11000,
    old_price: null,
    new_price: null,
    variants: [
      { id: "v1", size: "9", price: 11000, available: true },
      { id: "v2", size: "10", price: 11000, available: true },
      { id: "v3", size: "8", price: 11000, available: false },
    ],
    ...overrides,
  };
}

export function makeStore(overrides: Partial<StoreRead> = {}): StoreRead {
  return {
    id: "s1",
    url: "https://kith.com",
    platform: "shopify",
    name: "Kith",
    interval: 2,
    skus: [],
    watch_handles: [],
    watch_interval: null,
    max_pages: 10,
    enabled: true,
    health: {
      status: "healthy",
      polls: 10,
      errors: 0,
      total_errors: 0,
      not_modified_ratio: 0.5,
      last_success_at: "2025-03-01T12:00:00Z",
      last_latency_ms: 120,
      last_error: null,
      blocked_reason: null,
      retry_after_until: null,
    },
    ...overrides,
  };
}
