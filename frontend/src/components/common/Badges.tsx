import { useState } from "react";
import type { EventKind, HealthStatus } from "../../api/models";
import { KIND_COLOURS, kindLabel, monogram } from "../../lib/format";

export function KindBadge({ kind }: { kind: EventKind }) {
  const colour = KIND_COLOURS[kind];
  return (
    <span className="kind" style={{ color: colour, background: `${colour}22` }}>
      {kindLabel(kind)}
    </span>
  );
}

export type HealthLike = HealthStatus | "paused";

const HEALTH_LABEL: Record<HealthLike, string> = {
  healthy: "Healthy",
  degraded: "Degraded",
  blocked: "Blocked",
  paused: "Paused",
};

export function HealthDot({ status }: { status: HealthLike }) {
  return <span className={`dot dot-${status}`} role="img" aria-label={HEALTH_LABEL[status]} title={HEALTH_LABEL[status]} />;
}

export function HealthBadge({ status }: { status: HealthLike }) {
  const tone = { healthy: "ok", degraded: "warn", blocked: "bad", paused: "muted" }[status];
  return (
    <span className={`badge badge-${tone}`}>
      <HealthDot status={status} />
      {HEALTH_LABEL[status]}
    </span>
  );
}

/** A product image that falls back to the brand's monogram when there is none or it fails to load. */
export function ProductImage({ src, label, className }: { src: string | null | undefined; label: string; className: string }) {
  const [failed, setFailed] = useState<string | null>(null);
  const url = src ? (src.startsWith("//") ? `https:${src}` : src) : null;
  return (
    <span className={`${className} img-box`} aria-hidden="true">
      <span className="img-mono">{monogram(label)}</span>
      {url && failed !== url ? (
        <img src={url} alt="" loading="lazy" referrerPolicy="no-referrer" onError={() => setFailed(url)} />
      ) : null}
    </span>
  );
}

export function Thumb({ src, label = "", size = 44 }: { src: string | null | undefined; label?: string; size?: number }) {
  return (
    <span style={{ width: size, height: size, display: "inline-block", flex: "none" }}>
      <ProductImage src={src} label={label} className="thumb" />
    </span>
  );
}
