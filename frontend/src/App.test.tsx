import { QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { App } from "./App";
import { CSRF_HEADER } from "./api/client";
import { json, makeEvent, makeStore, newQueryClient, stubFetch } from "./test/helpers";

function renderApp() {
  return render(
    <QueryClientProvider client={newQueryClient()}>
      <App />
    </QueryClientProvider>,
  );
}

const dashboardRoutes = {
  "GET /api/stores": () => json([makeStore()]),
  "GET /api/events": () => json({ items: [makeEvent({ product_title: "Jordan 4 Bred" })], next_cursor: null }),
  "GET /api/deliveries": () => json([]),
};

describe("App", () => {
  it("asks for the token when there is no session, then signs in", async () => {
    let signedIn = false;
    const seen = stubFetch({
      ...dashboardRoutes,
      "GET /api/auth/me": () => (signedIn ? json({ kind: "session", csrf_token: "c1" }) : json({ error: "Unauthorized", detail: "sign in" }, 401)),
      "POST /api/auth/login": async (req) => {
        const body = (await req.json()) as { token: string };
        if (body.token !== "phx_right") return json({ error: "Unauthorized", detail: "invalid token" }, 401);
        signedIn = true;
        return json({ csrf_token: "c1", expires_at: "2030-01-01T00:00:00Z" });
      },
    });
    renderApp();
    const user = userEvent.setup();
    const input = await screen.findByLabelText("Access token");
    await user.type(input, "phx_wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("not valid");

    await user.clear(input);
    await user.type(input, "phx_right");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("Jordan 4 Bred")).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeInTheDocument();
    const login = seen.find((r) => r.url.endsWith("/api/auth/login"));
    expect(login?.method).toBe("POST");
  });

  it("goes back to the login screen on a 401 anywhere", async () => {
    let stores = 0;
    stubFetch({
      ...dashboardRoutes,
      "GET /api/auth/me": () => json({ kind: "session", csrf_token: "c1" }),
      "GET /api/stores": () => (++stores > 1 ? json({ error: "Unauthorized", detail: "expired" }, 401) : json([makeStore()])),
    });
    window.history.replaceState(null, "", "/monitors");
    renderApp();
    expect(await screen.findByRole("heading", { name: "Monitors", level: 1 })).toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole("link", { name: /Events/ }));
    expect(await screen.findByLabelText("Access token")).toBeInTheDocument();
  });

  it("adds a store from the Monitors screen with the CSRF header", async () => {
    const created = makeStore({ id: "s2", name: "Undefeated", url: "https://undefeated.com" });
    let list = [makeStore()];
    const seen = stubFetch({
      ...dashboardRoutes,
      "GET /api/auth/me": () => json({ kind: "session", csrf_token: "csrf-9" }),
      "GET /api/stores": () => json(list),
      "POST /api/stores": () => {
        list = [...list, created];
        return json(created, 201);
      },
    });
    window.history.replaceState(null, "", "/monitors");
    renderApp();
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Add store" }));
    await user.type(screen.getByRole("textbox", { name: "Store URL" }), "https://undefeated.com");
    await user.click(screen.getAllByRole("button", { name: "Add store" }).at(-1) as HTMLElement);
    expect(await screen.findByText("Undefeated")).toBeInTheDocument();
    const post = seen.find((r) => r.method === "POST" && r.url.endsWith("/api/stores"));
    expect(post?.headers.get(CSRF_HEADER)).toBe("csrf-9");
    expect(await post?.clone().json()).toMatchObject({ url: "https://undefeated.com", platform: "shopify", interval: 2 });
  });

  it("shows a product page for a deep link", async () => {
    stubFetch({
      "GET /api/auth/me": () => json({ kind: "session" }),
      "GET /api/products/kith/42": () =>
        json({
          store_id: "kith",
          product_id: "42",
          handle: "j4",
          title: "Jordan 4 Bred",
          vendor: "Jordan",
          style_code: "FV5029-006",
          image: null,
          url: "https://kith.com/products/j4",
          price: 21500,
          available: true,
          sizes_in_stock: ["10"],
          first_seen_at: "2025-03-01T12:00:00Z",
          updated_at: "2025-03-01T12:00:00Z",
          variants: [
            { id: "v10", size: "10", price: 21500, available: true },
            { id: "v9", size: "9", price: 21500, available: false },
          ],
        }),
      "GET /api/products/kith/42/history": () => json({ store_id: "kith", product_id: "42", points: [], sell_out_seconds: 95 }),
    });
    window.history.replaceState(null, "", "/products/kith/42");
    renderApp();
    expect(await screen.findByRole("heading", { name: "Jordan 4 Bred" })).toBeInTheDocument();
    expect(screen.getByText("FV5029-006")).toBeInTheDocument();
    expect(await screen.findByText("1m 35s")).toBeInTheDocument();
    const rows = screen.getAllByRole("row").slice(1);
    expect(rows.map((r) => r.firstElementChild?.textContent)).toEqual(["9", "10"]);
  });
});
