import { useState, type ChangeEvent, type FormEvent } from "react";
import { readFileText } from "../../lib/download";
import { ImportRejected, describeProblem } from "../../lib/importReport";
import { errorText } from "./States";

export interface ImportBoxProps {
  /** What is imported, for labels: "profiles", "tasks". */
  what: string;
  placeholder?: string;
  /** File types the picker offers, e.g. ".csv,.json". */
  accept?: string;
  busy?: boolean;
  error?: unknown;
  /** Shown after a successful import. */
  done?: string | null;
  onImport: (content: string, filename: string) => void;
}

/** Paste or pick a file, import it, and list every problem by row when the server refuses it. */
export function ImportBox({ what, placeholder, accept = ".csv", busy, error, done, onImport }: ImportBoxProps) {
  const [content, setContent] = useState("");
  const [filename, setFilename] = useState("");

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setFilename(file.name);
    setContent(await readFileText(file));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (content.trim()) onImport(content, filename);
  };

  const problems = error instanceof ImportRejected ? error.problems : [];
  return (
    <form className="stack" onSubmit={submit} aria-label={`Import ${what}`}>
      <label className="field">
        File
        <input type="file" accept={accept} onChange={(e) => void pick(e)} aria-label="Import file" />
      </label>
      <label className="field">
        Or paste the {what}
        <textarea
          rows={8}
          className="mono"
          value={content}
          placeholder={placeholder}
          onChange={(e) => {
            setContent(e.target.value);
            setFilename("");
          }}
          aria-label="Import content"
        />
      </label>
      {error ? (
        <div className="error-box stack" role="alert" style={{ gap: 4 }}>
          <b>{problems.length > 0 ? `Nothing was imported: ${problems.length} problem(s)` : errorText(error)}</b>
          {problems.length > 0 ? (
            <ul className="problems" aria-label="Import problems">
              {problems.map((p, i) => (
                <li key={i}>{describeProblem(p)}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {done && !error ? <div className="badge badge-ok" role="status">{done}</div> : null}
      <div className="row">
        <span className="spacer" />
        <button type="submit" className="primary" disabled={busy || !content.trim()}>
          {busy ? "Importing…" : `Import ${what}`}
        </button>
      </div>
    </form>
  );
}
