import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { TaskRead } from "../../api/models";
import { applyCheckoutEvent } from "../../hooks/queries/checkoutLive";
import { useLocation } from "../../lib/router";
import { makeProfile, makeTask, makeTaskDetail } from "../../test/fixtures";
import { json, makeEvent, makeStore, renderWithClient, stubFetch } from "../../test/helpers";
import { TasksPage } from "./TasksPage";

const common = {
  "GET /api/stores": () => json([makeStore()]),
  "GET /api/profiles": () => json([makeProfile()]),
  "GET /api/proxies": () => json([]),
  "GET /api/tasks/groups": () => json([]),
};

/** The page as the router shows it: /tasks/:id opens the drawer. */
function Routed() {
  const { path } = useLocation();
  const id = path.startsWith("/tasks/") ? decodeURIComponent(path.slice(7)) : undefined;
  return <TasksPage {...(id ? { taskId: id } : {})} />;
}

describe("TasksPage", () => {
  it("shows each task's live status and starts the selected ones in bulk", async () => {
    const idle = makeTask({ status: "idle" });
    const failed = makeTask({ status: "failed", status_reason: "out of stock in 9, 10" });
    const carting = makeTask({ status: "carting", attempts: 1 });
    const seen = stubFetch({
      ...common,
      "GET /api/tasks": () => json([idle, failed, carting]),
      "POST /api/tasks/bulk": () => json([
          { id: idle.id, ok: true, error: null, detail: null, task: { ...idle, status: "waiting" } },
          { id: failed.id, ok: true, error: null, detail: null, task: { ...failed, status: "waiting" } },
        ]),
    });
    renderWithClient(<TasksPage />);
    const user = userEvent.setup();
    const rows = await screen.findAllByTestId("task-row");
    expect(rows.map((r) => within(r).getAllByRole("cell")[1]?.querySelector(".badge")?.textContent)).toEqual(["Idle", "Failed", "Carting"]);
    expect(rows[1]).toHaveTextContent("out of stock in 9, 10");
    expect(within(rows[0] as HTMLElement).getByText("Kith")).toBeInTheDocument();

    const bulk = screen.getByRole("group", { name: "Bulk actions" });
    expect(within(bulk).getByRole("button", { name: "Start" })).toBeDisabled();
    await user.click(within(rows[0] as HTMLElement).getByRole("checkbox"));
    await user.click(within(rows[1] as HTMLElement).getByRole("checkbox"));
    expect(within(bulk).getByText("2 selected")).toBeInTheDocument();
    expect(within(bulk).getByRole("button", { name: "Stop" })).toBeDisabled(); // neither can be stopped
    await user.click(within(bulk).getByRole("button", { name: "Start" }));
    const post = seen.find((r) => r.method === "POST" && r.url.endsWith("/api/tasks/bulk"));
    expect(await post?.clone().json()).toEqual({ action: "start", ids: [idle.id, failed.id] });
  });

  it("filters by status through the API", async () => {
    const seen = stubFetch({ ...common, "GET /api/tasks": () => json([]) });
    renderWithClient(<TasksPage />);
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByRole("combobox", { name: "Status" }), "needs_action");
    await screen.findByText(/No tasks match/);
    const last = seen.filter((r) => new URL(r.url).pathname === "/api/tasks").at(-1);
    expect(new URL(last?.url ?? "").searchParams.get("status")).toBe("needs_action");
  });

  it("starts a whole group", async () => {
    const seen = stubFetch({
      ...common,
      "GET /api/tasks/groups": () => json(["drop-1", "drop-2"]),
      "GET /api/tasks": () => json([makeTask({ group: "drop-1" })]),
      "POST /api/tasks/groups/start": () => json([]),
    });
    renderWithClient(<TasksPage />);
    const user = userEvent.setup();
    expect(screen.queryByRole("group", { name: "Group actions" })).not.toBeInTheDocument();
    await user.selectOptions(await screen.findByRole("combobox", { name: "Group" }), await screen.findByRole("option", { name: "drop-1" }));
    await user.click(within(screen.getByRole("group", { name: "Group actions" })).getByRole("button", { name: "Start group" }));
    const post = seen.find((r) => r.url.endsWith("/api/tasks/groups/start"));
    expect(await post?.clone().json()).toEqual({ group: "drop-1" });
    const list = seen.filter((r) => new URL(r.url).pathname === "/api/tasks").at(-1);
    expect(new URL(list?.url ?? "").searchParams.get("group")).toBe("drop-1");
  });

  it("creates a task from a product link, starts it, and opens its timeline", async () => {
    const created = makeTask({ id: "t-new", status: "idle" });
    const started = { ...created, status: "waiting" as const, status_reason: "waiting for stock" };
    let tasks: TaskRead[] = [];
    const seen = stubFetch({
      ...common,
      "GET /api/tasks": () => json(tasks),
      "POST /api/tasks": () => {
        tasks = [created];
        return json(created, 201);
      },
      "POST /api/tasks/t-new/start": () => {
        tasks = [started];
        return json(started);
      },
      "GET /api/tasks/t-new": () => json(makeTaskDetail(started)),
    });
    window.history.replaceState(null, "", "/tasks?new=1&store=s1&product=https%3A%2F%2Fkith.com%2Fproducts%2Fnike-dunk-low");
    renderWithClient(<Routed />);
    const user = userEvent.setup();
    const form = await screen.findByRole("form", { name: "Task" });
    expect(within(form).getByRole("textbox", { name: /^Product/ })).toHaveValue("https://kith.com/products/nike-dunk-low");
    await within(form).findByRole("option", { name: "Kith" });
    expect(within(form).getByRole("combobox", { name: "Store" })).toHaveValue("s1");
    await user.type(within(form).getByRole("textbox", { name: /^Sizes/ }), "10");
    await user.click(within(form).getByRole("button", { name: "Create task" }));

    const drawer = await screen.findByRole("dialog", { name: "Task details" });
    expect(window.location.pathname).toBe("/tasks/t-new");
    expect(await within(drawer).findByRole("list", { name: "Status history" })).toHaveTextContent("Waiting");
    const body = await seen.find((r) => r.method === "POST" && new URL(r.url).pathname === "/api/tasks")?.clone().json();
    expect(body).toMatchObject({ store: "s1", url: "https://kith.com/products/nike-dunk-low", sizes: ["10"], profile: null });
    expect(seen.some((r) => r.url.endsWith("/api/tasks/t-new/start"))).toBe(true);
  });

  it("shows the checkout link on a row as soon as the socket brings it", async () => {
    const task = makeTask({ status: "checking_out" });
    let calls = 0;
    // The refetch the event triggers stays in flight: the link must not wait for it.
    stubFetch({ ...common, "GET /api/tasks": () => (++calls === 1 ? json([task]) : new Promise<Response>(() => {})) });
    const { client } = renderWithClient(<TasksPage />);
    await screen.findByTestId("task-row");
    expect(screen.queryByRole("link", { name: /Open checkout/ })).not.toBeInTheDocument();
    act(() => applyCheckoutEvent(client, makeEvent({ kind: "checkout_link", link: "https://kith.com/cart/1:1", task_id: task.id }), () => {}));
    expect(await screen.findByRole("link", { name: /Open checkout/ })).toHaveAttribute("href", "https://kith.com/cart/1:1");
  });
});
