import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { meQuery, settingsQuery, useLogout, useRotateToken } from "../../hooks/queries/session";
import { ErrorMessage, Loading, errorText } from "../common/States";

function RotateToken() {
  const [current, setCurrent] = useState("");
  const rotate = useRotateToken();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (current.trim()) rotate.mutate(current.trim());
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Rotate access token">
      <p className="muted" style={{ margin: 0 }}>
        Replace the access token (same as <code>phantom token rotate</code>). The new one is shown once, and every session
        — this one too — ends.
      </p>
      <div className="row">
        <input
          type="password"
          name="current"
          autoComplete="off"
          aria-label="Current access token"
          placeholder="current token (phx_…)"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          style={{ width: 360 }}
        />
        <button type="submit" className="danger" disabled={rotate.isPending || !current.trim()}>
          {rotate.isPending ? "Rotating…" : "Rotate token"}
        </button>
      </div>
      {rotate.isError ? (
        <div className="error-box" role="alert">
          {rotate.error instanceof ApiError && rotate.error.status === 401 ? "That is not the current token." : errorText(rotate.error)}
        </div>
      ) : null}
    </form>
  );
}

/** Flattens nested settings into dotted keys: {monitor: {timeout: 10}} -> [["monitor.timeout", "10"]]. */
export function flattenSettings(value: unknown, prefix = ""): [string, string][] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flattenSettings(v, prefix ? `${prefix}.${k}` : k));
  }
  const text = Array.isArray(value) ? (value.length ? value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ") : "[]") : value === null || value === undefined ? "—" : String(value);
  return [[prefix || "value", text]];
}

export function SettingsPage() {
  const settings = useQuery(settingsQuery());
  const me = useQuery(meQuery());
  const logout = useLogout();
  return (
    <div className="page">
      <section className="panel">
        <header className="panel-head">
          <h2>Session</h2>
          <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
            Sign out
          </button>
        </header>
        <div className="panel-body stack">
          <dl className="kv">
            <dt>Signed in with</dt>
            <dd>{me.data ? (me.data.kind === "session" ? "access token (browser session)" : "bearer token") : "—"}</dd>
            <dt>Session expires</dt>
            <dd>{me.data?.expires_at ? new Date(me.data.expires_at).toLocaleString() : "—"}</dd>
          </dl>
          <RotateToken />
        </div>
      </section>
      <section className="panel">
        <header className="panel-head">
          <h2>Server settings</h2>
          <span className="muted">from the config file and PHANTOM_* variables</span>
        </header>
        <div className="panel-body">
          {settings.isPending ? (
            <Loading />
          ) : settings.isError ? (
            <ErrorMessage error={settings.error} retry={() => void settings.refetch()} />
          ) : (
            <dl className="kv" aria-label="Settings">
              {flattenSettings(settings.data).map(([k, v]) => (
                <div key={k} style={{ display: "contents" }}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      </section>
    </div>
  );
}
