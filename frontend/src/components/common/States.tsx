import type { ReactNode } from "react";
import { ApiError } from "../../api/client";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="empty row" style={{ justifyContent: "center" }} role="status">
      <span className="spinner" /> {label}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

export function ErrorMessage({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div className="error-box row" role="alert">
      <span className="spacer">{errorText(error)}</span>
      {retry ? (
        <button type="button" className="small" onClick={retry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
