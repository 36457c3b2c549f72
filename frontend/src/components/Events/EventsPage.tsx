import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { EVENT_KINDS, type EventRead } from "../../api/models";
import { eventsInfiniteQuery, type EventListParams } from "../../hooks/queries/events";
import { storesQuery } from "../../hooks/queries/stores";
import { clockTime, detectionLatencyMs, eventSizes, formatDuration, formatPrice, formatSizes, kindLabel, relativeTime } from "../../lib/format";
import { useLiveStore } from "../../store/live";
import { DEFAULT_EVENT_FILTERS, useUiStore, type EventFilters } from "../../store/ui";
import { KindBadge, Thumb } from "../common/Badges";
import { Link } from "../common/Link";
import { Empty, ErrorMessage, Loading } from "../common/States";

const PAGE = 100;

export function toListParams(filters: EventFilters): EventListParams {
  const params: EventListParams = { limit: PAGE };
  if (filters.storeId) params.store_id = filters.storeId;
  if (filters.kinds.length > 0) params.kind = [...filters.kinds].sort();
  if (filters.since) {
    const day = new Date(`${filters.since}T00:00:00`);
    if (!Number.isNaN(day.getTime())) params.since = day.toISOString();
  }
  return params;
}

function EventRow({ event, fresh }: { event: EventRead; fresh: boolean }) {
  const sizes = eventSizes(event);
  const latency = detectionLatencyMs(event);
  return (
    <tr className={fresh ? "feed-item fresh" : undefined} data-testid="event-row">
      <td className="nowrap num" title={new Date(event.detected_at).toLocaleString()}>
        {clockTime(event.detected_at)}
        <div className="faint" style={{ fontSize: 12 }}>{relativeTime(event.detected_at)}</div>
      </td>
      <td>
        <KindBadge kind={event.kind} />
      </td>
      <td style={{ maxWidth: 320 }}>
        <div className="row" style={{ minWidth: 0 }}>
          <Thumb src={event.image} label={event.product_title ?? ""} size={32} />
          {event.product_id ? (
            <Link className="ellipsis" to={`/products/${encodeURIComponent(event.store_id)}/${encodeURIComponent(event.product_id)}`}>
              {event.product_title}
            </Link>
          ) : (
            <span className="muted">{kindLabel(event.kind)}</span>
          )}
        </div>
      </td>
      <td className="muted ellipsis" style={{ maxWidth: 140 }} title={event.store_name}>
        {event.store_name}
      </td>
      <td className="num nowrap">
        {event.kind === "price_change" && event.old_price !== null ? (
          <>
            <s className="faint">{formatPrice(event.old_price)}</s> → {formatPrice(event.new_price)}
          </>
        ) : (
          formatPrice(event.price)
        )}
      </td>
      <td className="num" style={{ maxWidth: 170 }}>
        <span className="ellipsis" style={{ display: "block" }} title={sizes.join(", ")}>
          {sizes.length ? formatSizes(sizes, 12) : "—"}
        </span>
      </td>
      <td className="num right muted">{latency !== null ? formatDuration(latency) : "—"}</td>
      <td className="actions">
        {event.task_id ? (
          <Link to={`/tasks/${encodeURIComponent(event.task_id)}`} className="small" title="The task this checkout belongs to">
            View task
          </Link>
        ) : event.product_url ? (
          <Link to={`/tasks?${new URLSearchParams({ new: "1", store: event.store_id, product: event.product_url }).toString()}`} className="small" title="Create a task for this product">
            Task
          </Link>
        ) : null}
      </td>
    </tr>
  );
}

export function EventsPage() {
  const filters = useUiStore((s) => s.eventFilters);
  const setFilters = useUiStore((s) => s.setEventFilters);
  const fresh = useLiveStore((s) => s.fresh);
  const stores = useQuery(storesQuery());
  const events = useInfiniteQuery(eventsInfiniteQuery(toListParams(filters)));
  const rows = events.data?.pages.flatMap((p) => p.items) ?? [];

  const toggleKind = (kind: (typeof EVENT_KINDS)[number]) =>
    setFilters({ kinds: filters.kinds.includes(kind) ? filters.kinds.filter((k) => k !== kind) : [...filters.kinds, kind] });

  return (
    <div className="page">
      <section className="panel">
        <header className="panel-head">
          <h2>Event history</h2>
          <span className="muted">{rows.length} shown{events.hasNextPage ? ", more available" : ""}</span>
        </header>
        <div className="panel-body row-wrap" role="search" aria-label="Event filters">
          <label className="field">
            Store
            <select value={filters.storeId} onChange={(e) => setFilters({ storeId: e.target.value })} aria-label="Store">
              <option value="">All stores</option>
              {stores.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name || s.url}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            Since
            <input type="date" value={filters.since} onChange={(e) => setFilters({ since: e.target.value })} aria-label="Since" />
          </label>
          <div className="checks" role="group" aria-label="Kinds" style={{ alignSelf: "flex-end", paddingBottom: 6 }}>
            {EVENT_KINDS.map((k) => (
              <label key={k}>
                <input type="checkbox" checked={filters.kinds.includes(k)} onChange={() => toggleKind(k)} />
                {kindLabel(k)}
              </label>
            ))}
          </div>
          <span className="spacer" />
          <button type="button" className="ghost" onClick={() => setFilters(DEFAULT_EVENT_FILTERS)} style={{ alignSelf: "flex-end" }}>
            Clear filters
          </button>
        </div>
        {events.isPending ? (
          <Loading />
        ) : events.isError ? (
          <ErrorMessage error={events.error} retry={() => void events.refetch()} />
        ) : rows.length === 0 ? (
          <Empty>No events match these filters.</Empty>
        ) : (
          <div style={{ overflowX: "auto" }}>
            <table className="table">
              <thead>
                <tr>
                  <th>Detected</th>
                  <th>Kind</th>
                  <th>Product</th>
                  <th>Store</th>
                  <th>Price</th>
                  <th>Sizes</th>
                  <th className="right">Latency</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => (
                  <EventRow key={e.id} event={e} fresh={fresh.has(e.id)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        {events.hasNextPage ? (
          <div className="panel-body row" style={{ justifyContent: "center" }}>
            <button type="button" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
              {events.isFetchingNextPage ? "Loading…" : "Load older events"}
            </button>
          </div>
        ) : null}
      </section>
    </div>
  );
}
