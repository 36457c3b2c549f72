import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { StoreForm } from "./StoreForm";

describe("StoreForm", () => {
  it("shows what is wrong and does not submit", async () => {
    const onSubmit = vi.fn();
    render(<StoreForm submitLabel="Add store" onSubmit={onSubmit} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByRole("textbox", { name: "Store URL" }), "kith.com");
    await user.clear(screen.getByRole("textbox", { name: "Interval (s)" }));
    await user.type(screen.getByRole("textbox", { name: "Interval (s)" }), "0.1");
    await user.click(screen.getByRole("button", { name: "Add store" }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByText(/absolute http\(s\) URL/)).toBeInTheDocument();
    expect(screen.getByText(/at least 0.5s/)).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: /Store URL/ })).toHaveAttribute("aria-invalid", "true");
  });

  it("re-validates as the person fixes the field", async () => {
    render(<StoreForm submitLabel="Add store" onSubmit={() => {}} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Add store" }));
    expect(screen.getByText("URL is required")).toBeInTheDocument();
    await user.type(screen.getByRole("textbox", { name: /Store URL/ }), "https://kith.com");
    expect(screen.queryByText("URL is required")).not.toBeInTheDocument();
  });

  it("asks for SKUs on Footsites and submits the values", async () => {
    const onSubmit = vi.fn();
    render(<StoreForm submitLabel="Add store" onSubmit={onSubmit} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.type(screen.getByRole("textbox", { name: "Store URL" }), "https://www.footlocker.com");
    await user.selectOptions(screen.getByRole("combobox", { name: "Platform" }), "footsites");
    await user.click(screen.getByRole("button", { name: "Add store" }));
    expect(screen.getByText(/at least one SKU/)).toBeInTheDocument();
    await user.type(screen.getByRole("textbox", { name: /SKUs to watch/ }), "DD1391-100, FQ8080-133");
    await user.click(screen.getByRole("button", { name: "Add store" }));
    expect(onSubmit).toHaveBeenCalledWith(expect.objectContaining({ platform: "footsites", skus: "DD1391-100, FQ8080-133" }));
  });
});
