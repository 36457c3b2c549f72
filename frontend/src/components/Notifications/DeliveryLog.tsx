import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ChannelRead, OutboxStatus } from "../../api/models";
import { deliveriesQuery } from "../../hooks/queries/channels";
import { formatDuration, relativeTime } from "../../lib/format";
import { Empty, ErrorMessage, Loading } from "../common/States";

const STATUS_TONE: Record<OutboxStatus, string> = { sent: "ok", failed: "bad", pending: "muted", sending: "info" };

export function DeliveryLog({ channels }: { channels: readonly ChannelRead[] }) {
  const [channelId, setChannelId] = useState<string>("");
  const [status, setStatus] = useState<OutboxStatus | "">("");
  const log = useQuery(deliveriesQuery(channelId || null, status || null));
  const names = new Map(channels.map((c) => [c.id, c.name || c.kind]));
  return (
    <section className="panel">
      <header className="panel-head">
        <h2>Delivery log</h2>
        <div className="row">
          <select value={channelId} onChange={(e) => setChannelId(e.target.value)} aria-label="Channel">
            <option value="">All channels</option>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name || c.kind}
              </option>
            ))}
          </select>
          <select value={status} onChange={(e) => setStatus(e.target.value as OutboxStatus | "")} aria-label="Status">
            <option value="">Any status</option>
            <option value="sent">Sent</option>
            <option value="failed">Failed</option>
            <option value="pending">Pending</option>
            <option value="sending">Sending</option>
          </select>
        </div>
      </header>
      {log.isPending ? (
        <Loading />
      ) : log.isError ? (
        <ErrorMessage error={log.error} retry={() => void log.refetch()} />
      ) : log.data.length === 0 ? (
        <Empty>No alerts delivered yet.</Empty>
      ) : (
        <div style={{ overflowX: "auto" }}>
          <table className="table">
            <thead>
              <tr>
                <th>Queued</th>
                <th>Channel</th>
                <th>Alert</th>
                <th>Status</th>
                <th className="right">Attempts</th>
                <th className="right">Took</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {log.data.map((d) => (
                <tr key={d.id} data-testid="delivery-row">
                  <td className="nowrap muted">{relativeTime(d.created_at)}</td>
                  <td>{names.get(d.channel_id) ?? d.channel_id}</td>
                  <td className="ellipsis" style={{ maxWidth: 300 }}>{d.product_title ?? d.event_id}</td>
                  <td>
                    <span className={`badge badge-${STATUS_TONE[d.status]}`}>{d.status}</span>
                  </td>
                  <td className="num right">{d.attempts}</td>
                  <td className="num right muted">{d.sent_at ? formatDuration(Date.parse(d.sent_at) - Date.parse(d.created_at)) : "—"}</td>
                  <td className="ellipsis" style={{ maxWidth: 280, color: d.last_error ? "#ff9b98" : undefined }} title={d.last_error ?? undefined}>
                    {d.last_error ?? ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
