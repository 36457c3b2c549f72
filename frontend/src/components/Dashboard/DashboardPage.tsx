import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { deliveriesQuery } from "../../hooks/queries/channels";
import { eventsQuery } from "../../hooks/queries/events";
import { storesQuery } from "../../hooks/queries/stores";
import { useLiveStore } from "../../store/live";
import { ErrorMessage, Loading } from "../common/States";
import { Counters } from "./Counters";
import { LiveFeed } from "./LiveFeed";
import { StoreHealthPanel } from "./StoreHealthPanel";
import { deliveryCounts, latencySeries, mergeFeed, startOfDay } from "./dashboard";

const TODAY_LIMIT = 500;
const DELIVERY_LIMIT = 200; // the API's page cap

export function DashboardPage() {
  const today = useMemo(() => startOfDay(), []);
  const since = today.toISOString();
  const stores = useQuery(storesQuery());
  const recent = useQuery(eventsQuery({ limit: 30 }));
  const todays = useQuery(eventsQuery({ since, limit: TODAY_LIMIT }));
  const deliveries = useQuery({ ...deliveriesQuery(null, null, DELIVERY_LIMIT), retry: false });
  const liveFeed = useLiveStore((s) => s.feed);
  const fresh = useLiveStore((s) => s.fresh);

  const feed = mergeFeed(liveFeed, recent.data?.items ?? []);
  const latencies = latencySeries(mergeFeed(liveFeed, todays.data?.items ?? [], TODAY_LIMIT));
  const alerts = deliveries.data ? deliveryCounts(deliveries.data, today.getTime()) : null;

  return (
    <div className="page">
      <Counters
        eventsToday={todays.data?.items}
        moreToday={Boolean(todays.data?.next_cursor)}
        alerts={alerts}
        stores={stores.data}
        latencies={latencies}
      />
      <div className="grid-dash">
        <section className="panel">
          <header className="panel-head">
            <h2>Live feed</h2>
            <span className="muted">{liveFeed.length > 0 ? `${liveFeed.length} live since opened` : "newest first"}</span>
          </header>
          {recent.isPending ? <Loading /> : recent.isError ? <ErrorMessage error={recent.error} retry={() => void recent.refetch()} /> : <LiveFeed events={feed} fresh={fresh} />}
        </section>
        <section className="panel">
          <header className="panel-head">
            <h2>Store health</h2>
            <span className="muted">{stores.data ? `${stores.data.length} stores` : ""}</span>
          </header>
          {stores.isPending ? <Loading /> : stores.isError ? <ErrorMessage error={stores.error} /> : <StoreHealthPanel stores={stores.data} />}
        </section>
      </div>
    </div>
  );
}
