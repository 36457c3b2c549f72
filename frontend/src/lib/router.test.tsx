import { act, render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { matchPath, navigate, useLocation } from "./router";

describe("matchPath", () => {
  it("extracts and decodes parameters", () => {
    expect(matchPath("/products/:store/:id", "/products/kith/123%2F4")).toEqual({ store: "kith", id: "123/4" });
  });
  it("refuses other shapes", () => {
    expect(matchPath("/products/:store/:id", "/products/kith")).toBeNull();
    expect(matchPath("/events", "/monitors")).toBeNull();
  });
});

function Where() {
  const { path, search } = useLocation();
  return <p>{`${path}|${search.get("q") ?? ""}`}</p>;
}

describe("navigate", () => {
  it("re-renders subscribers and follows back/forward", () => {
    render(<Where />);
    expect(screen.getByText("/|")).toBeInTheDocument();
    act(() => navigate("/products?q=dunk"));
    expect(screen.getByText("/products|dunk")).toBeInTheDocument();
    act(() => {
      window.history.replaceState(null, "", "/events");
      window.dispatchEvent(new PopStateEvent("popstate"));
    });
    expect(screen.getByText("/events|")).toBeInTheDocument();
  });
});
