import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { useLiveStore } from "../../store/live";
import { CheckoutBanner } from "./CheckoutBanner";

const alert = {
  id: "e1",
  kind: "checkout_link" as const,
  link: "https://kith.com/cart/40000000001:1?checkout[email]=ada%40example.com",
  title: "Nike Dunk Low Panda",
  storeName: "Kith",
  detail: "size 10",
  taskId: "t1",
  at: "2026-01-01T12:00:00Z",
};

describe("CheckoutBanner", () => {
  it("puts a clickable checkout link in front of the person, and goes away once opened", async () => {
    render(<CheckoutBanner />);
    expect(screen.queryByTestId("checkout-alert")).not.toBeInTheDocument();
    act(() => useLiveStore.getState().pushCheckoutAlert(alert));
    const banner = screen.getByTestId("checkout-alert");
    expect(banner).toHaveTextContent("Checkout ready — Nike Dunk Low Panda");
    const open = screen.getByRole("link", { name: /Open checkout/ });
    expect(open).toHaveAttribute("href", alert.link);
    expect(open).toHaveAttribute("target", "_blank");
    expect(screen.getByRole("link", { name: "Task" })).toHaveAttribute("href", "/tasks/t1");
    open.addEventListener("click", (e) => e.preventDefault()); // jsdom cannot open tabs
    await userEvent.setup().click(open);
    expect(screen.queryByTestId("checkout-alert")).not.toBeInTheDocument();
  });

  it("says when the person has to act, and can be dismissed", async () => {
    render(<CheckoutBanner />);
    act(() => useLiveStore.getState().pushCheckoutAlert({ ...alert, id: "e2", kind: "needs_action", detail: "CAPTCHA on checkout" }));
    expect(screen.getByTestId("checkout-alert")).toHaveTextContent("Action needed — Nike Dunk Low Panda");
    expect(screen.getByTestId("checkout-alert")).toHaveTextContent("CAPTCHA on checkout");
    await userEvent.setup().click(screen.getByRole("button", { name: "Dismiss" }));
    expect(useLiveStore.getState().checkoutAlerts).toEqual([]);
  });
});
