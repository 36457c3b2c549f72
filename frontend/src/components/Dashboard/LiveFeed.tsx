import type { EventRead } from "../../api/models";
import { KindBadge, Thumb } from "../common/Badges";
import { Link } from "../common/Link";
import { Empty } from "../common/States";
import { clockTime, eventSizes, formatDuration, formatPrice, formatSizes, detectionLatencyMs } from "../../lib/format";

function PriceText({ event }: { event: EventRead }) {
  if (event.kind === "price_change" && event.old_price !== null && event.new_price !== null) {
    return (
      <span className="num">
        <s className="faint">{formatPrice(event.old_price)}</s> → {formatPrice(event.new_price)}
      </span>
    );
  }
  return <span className="num">{formatPrice(event.price)}</span>;
}

export function FeedItem({ event, fresh }: { event: EventRead; fresh: boolean }) {
  const sizes = eventSizes(event);
  const latency = detectionLatencyMs(event);
  const title = event.product_title ?? event.store_name;
  return (
    <li className={`feed-item${fresh ? " fresh" : ""}`} data-testid="feed-item">
      <Thumb src={event.image} label={event.product_title ?? event.store_name} />
      <div style={{ minWidth: 0 }}>
        <div className="row" style={{ minWidth: 0 }}>
          <KindBadge kind={event.kind} />
          {event.product_id ? (
            <Link className="feed-title ellipsis" to={`/products/${encodeURIComponent(event.store_id)}/${encodeURIComponent(event.product_id)}`}>
              {title}
            </Link>
          ) : (
            <span className="feed-title ellipsis">{title}</span>
          )}
        </div>
        <div className="feed-meta">
          <span>{event.store_name}</span>
          {event.product_id ? <PriceText event={event} /> : null}
          {sizes.length > 0 ? (
            <span>
              {event.kind === "sold_out" ? "gone: " : "sizes: "}
              <span className="num">{formatSizes(sizes, 10)}</span>
            </span>
          ) : null}
        </div>
      </div>
      <div className="feed-side">
        <div className="num">{clockTime(event.detected_at)}</div>
        {latency !== null ? <div className="faint" title="Detected after the store changed">+{formatDuration(latency)}</div> : null}
      </div>
    </li>
  );
}

export function LiveFeed({ events, fresh }: { events: readonly EventRead[]; fresh: ReadonlySet<string> }) {
  if (events.length === 0) {
    return <Empty>No events yet. Drops, restocks and sell-outs appear here the moment Phantom sees them.</Empty>;
  }
  return (
    <ul className="feed" aria-label="Live events">
      {events.map((e) => (
        <FeedItem key={e.id} event={e} fresh={fresh.has(e.id)} />
      ))}
    </ul>
  );
}
