import { useState, type FormEvent } from "react";
import { ApiError } from "../../api/client";
import { useLogin } from "../../hooks/queries/session";
import { useUiStore } from "../../store/ui";

function message(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return "That token is not valid.";
    if (error.status === 429) return "Too many attempts. Wait a little and try again.";
    return error.message;
  }
  return "Cannot reach Phantom. Is it running?";
}

function NewToken({ token }: { token: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(token).then(() => setCopied(true));
  };
  return (
    <div className="stack" style={{ gap: 6 }} role="status" aria-label="New access token">
      <span className="badge badge-ok" style={{ alignSelf: "flex-start" }}>
        Token rotated: every session has ended
      </span>
      <span className="muted">Your new access token, shown only this once. Keep it somewhere safe:</span>
      <div className="row">
        <code className="ellipsis" style={{ flex: 1, padding: "6px 8px", background: "var(--bg)", borderRadius: 6 }} data-testid="new-token">
          {token}
        </code>
        <button type="button" className="small" onClick={copy}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

export function LoginScreen() {
  const rotated = useUiStore((s) => s.rotatedToken);
  const setRotated = useUiStore((s) => s.setRotatedToken);
  const [token, setToken] = useState(rotated ?? "");
  const login = useLogin();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (token.trim()) login.mutate(token.trim(), { onSuccess: () => setRotated(null) });
  };
  return (
    <main className="login">
      <form className="panel login-card" onSubmit={submit} aria-label="Sign in">
        <div className="brand" style={{ padding: 0 }}>
          <span className="brand-mark" /> Phantom
        </div>
        <p className="muted" style={{ margin: 0 }}>
          Paste the access token Phantom printed when it first started (or the one from <code>phantom token rotate</code>).
        </p>
        {rotated ? <NewToken token={rotated} /> : null}
        <label className="field">
          Access token
          <input
            type="password"
            name="token"
            autoComplete="current-password"
            autoFocus
            value={token}
            placeholder="phx_…"
            onChange={(e) => setToken(e.target.value)}
          />
        </label>
        {login.isError ? (
          <div className="error-box" role="alert">
            {message(login.error)}
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={login.isPending || !token.trim()}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
