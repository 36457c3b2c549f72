import type { ReactNode } from "react";
import { useLocation } from "../../lib/router";
import { ConnectionStatus } from "../common/ConnectionStatus";
import { Link } from "../common/Link";

export const NAV = [
  { to: "/", label: "Dashboard", icon: "◉" },
  { to: "/monitors", label: "Monitors", icon: "◎" },
  { to: "/products", label: "Products", icon: "▦" },
  { to: "/events", label: "Events", icon: "≡" },
  { to: "/tasks", label: "Tasks", icon: "▶" },
  { to: "/rules", label: "Rules", icon: "⚑" },
  { to: "/checkouts", label: "Checkouts", icon: "✓" },
  { to: "/profiles", label: "Profiles", icon: "☺" },
  { to: "/proxies", label: "Proxies", icon: "⇄" },
  { to: "/notifications", label: "Notifications", icon: "✉" },
  { to: "/settings", label: "Settings", icon: "⚙" },
] as const;

export function isActive(to: string, path: string): boolean {
  return to === "/" ? path === "/" : path === to || path.startsWith(`${to}/`);
}

export function AppShell({ title, children, onRetrySocket }: { title: string; children: ReactNode; onRetrySocket: () => void }) {
  const { path } = useLocation();
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" /> Phantom
        </div>
        {NAV.map((item) => (
          <Link key={item.to} to={item.to} className={`nav-link${isActive(item.to, path) ? " active" : ""}`} aria-current={isActive(item.to, path) ? "page" : undefined}>
            <span aria-hidden="true" style={{ width: 14, textAlign: "center" }}>{item.icon}</span>
            {item.label}
          </Link>
        ))}
        <div className="sidebar-foot faint" style={{ fontSize: 11 }}>
          self-hosted drop monitor
        </div>
      </nav>
      <div className="main">
        <header className="topbar">
          <h1>{title}</h1>
          <ConnectionStatus onRetry={onRetrySocket} />
        </header>
        {children}
      </div>
    </div>
  );
}
