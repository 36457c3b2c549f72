import { useState } from "react";
import { useLiveStore, type CheckoutAlert } from "../../store/live";
import { clockTime } from "../../lib/format";
import { Link } from "../common/Link";

function notificationPermission(): NotificationPermission | "unsupported" {
  return typeof globalThis.Notification === "function" ? globalThis.Notification.permission : "unsupported";
}

/** Ask once, from a click (browsers ignore the request otherwise). */
export function EnableDesktopAlerts() {
  const [permission, setPermission] = useState(notificationPermission);
  if (permission !== "default") return null;
  return (
    <button
      type="button"
      className="small"
      onClick={() => void globalThis.Notification.requestPermission().then(setPermission)}
      title="Show a desktop notification when a checkout needs you"
    >
      Enable desktop alerts
    </button>
  );
}

function AlertRow({ alert }: { alert: CheckoutAlert }) {
  const dismiss = useLiveStore((s) => s.dismissCheckoutAlert);
  const ready = alert.kind === "checkout_link";
  return (
    <div className={`checkout-alert ${ready ? "ready" : "action"}`} role="alert" data-testid="checkout-alert">
      <span className="checkout-alert-icon" aria-hidden="true">{ready ? "⚡" : "⚠"}</span>
      <div className="spacer" style={{ minWidth: 0 }}>
        <div className="checkout-alert-title">
          {ready ? "Checkout ready" : "Action needed"} — {alert.title}
        </div>
        <div className="faint ellipsis" style={{ fontSize: 12 }}>
          {alert.storeName} · {clockTime(alert.at)}
          {alert.detail ? ` · ${alert.detail}` : ""}
        </div>
      </div>
      {alert.link ? (
        <a className="button primary checkout-open" href={alert.link} target="_blank" rel="noreferrer noopener" onClick={() => dismiss(alert.id)}>
          {ready ? "Open checkout" : "Open"} ↗
        </a>
      ) : null}
      {alert.taskId ? (
        <Link to={`/tasks/${encodeURIComponent(alert.taskId)}`} className="small">
          Task
        </Link>
      ) : null}
      <button type="button" className="ghost small" aria-label="Dismiss" onClick={() => dismiss(alert.id)}>
        ×
      </button>
    </div>
  );
}

/** Checkouts waiting for the person, above every screen until opened or dismissed. */
export function CheckoutBanner() {
  const alerts = useLiveStore((s) => s.checkoutAlerts);
  if (alerts.length === 0) return null;
  return (
    <div className="checkout-alerts" aria-label="Checkouts waiting for you">
      {alerts.map((a) => (
        <AlertRow key={a.id} alert={a} />
      ))}
    </div>
  );
}
