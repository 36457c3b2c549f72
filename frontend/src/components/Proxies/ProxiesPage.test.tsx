import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { ProxyListRead } from "../../api/models";
import { makeProxyList } from "../../test/fixtures";
import { json, makeStore, renderWithClient, stubFetch } from "../../test/helpers";
import { ProxiesPage } from "./ProxiesPage";

describe("ProxiesPage", () => {
  it("creates a list from pasted lines and tests it against a URL", async () => {
    let lists: ProxyListRead[] = [];
    const seen = stubFetch({
      "GET /api/proxies": () => json(lists),
      "GET /api/proxies/assignments": () => json([]),
      "GET /api/stores": () => json([makeStore()]),
      "POST /api/proxies": () => {
        lists = [makeProxyList()];
        return json(lists[0], 201);
      },
      "POST /api/proxies/pl1/test": () =>
        json([
          { proxy: "http://u:***@127.0.0.1:8081", ok: true, status: 200, latency_ms: 35.2, error: null },
          { proxy: "http://127.0.0.1:8082", ok: false, status: null, latency_ms: null, error: "connection refused" },
        ]),
    });
    renderWithClient(<ProxiesPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "New list" }));
    const form = screen.getByRole("form", { name: "Proxy list" });
    await user.type(within(form).getByRole("textbox", { name: "Name" }), "Residential");
    await user.type(within(form).getByRole("textbox", { name: /Proxies, one a line/ }), "http://u:secret@127.0.0.1:8081{enter}127.0.0.1:8082");
    expect(within(form).getByText(/2 proxies/)).toBeInTheDocument();
    await user.click(within(form).getByRole("button", { name: "Create list" }));
    expect(await seen.find((r) => r.method === "POST")?.clone().json()).toEqual({
      name: "Residential",
      proxies: "http://u:secret@127.0.0.1:8081\n127.0.0.1:8082",
    });

    expect(await screen.findAllByTestId("proxy-row")).toHaveLength(2);
    expect(screen.queryByText(/secret/)).not.toBeInTheDocument();
    await user.type(screen.getByRole("textbox", { name: "Test URL" }), "http://127.0.0.1:9000/ping");
    await user.click(screen.getByRole("button", { name: "Test 2 proxies" }));
    const rows = await screen.findAllByTestId("proxy-test-row");
    expect(rows[0]).toHaveTextContent("ok");
    expect(rows[0]).toHaveTextContent("35 ms");
    expect(rows[1]).toHaveTextContent("connection refused");
    expect(screen.getByTestId("tester-summary")).toHaveTextContent("1 ok · 1 failed");
    const test = seen.find((r) => r.url.endsWith("/api/proxies/pl1/test"));
    expect(await test?.clone().json()).toEqual({ url: "http://127.0.0.1:9000/ping", timeout: 5 });
  });

  it("refuses a line that is not a proxy before sending", async () => {
    const seen = stubFetch({
      "GET /api/proxies": () => json([]),
      "GET /api/proxies/assignments": () => json([]),
      "GET /api/stores": () => json([]),
    });
    renderWithClient(<ProxiesPage />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "New list" }));
    await user.type(screen.getByRole("textbox", { name: "Name" }), "x");
    await user.type(screen.getByRole("textbox", { name: /Proxies/ }), "10.0.0.1:80{enter}oops");
    await user.click(screen.getByRole("button", { name: "Create list" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Line 2: needs host:port");
    expect(seen.some((r) => r.method === "POST")).toBe(false);
  });

  it("assigns a list to a store", async () => {
    const seen = stubFetch({
      "GET /api/proxies": () => json([makeProxyList()]),
      "GET /api/proxies/assignments": () => json([]),
      "GET /api/stores": () => json([makeStore()]),
      "PUT /api/proxies/assignments/stores/s1": () => json({ store_id: "s1", proxy_list_id: "pl1", proxy: "http://127.0.0.1:8082" }),
    });
    renderWithClient(<ProxiesPage />);
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByRole("combobox", { name: "Proxy list for Kith" }), "pl1");
    expect(await screen.findByText("http://127.0.0.1:8082")).toBeInTheDocument();
    expect(await seen.find((r) => r.method === "PUT")?.clone().json()).toEqual({ proxy_list_id: "pl1" });
  });
});
