import { useQuery } from "@tanstack/react-query";
import { Suspense, lazy } from "react";
import { productHistoryQuery, productQuery } from "../../hooks/queries/products";
import { compareSizes, formatDuration, formatPrice, relativeTime } from "../../lib/format";
import { ProductImage } from "../common/Badges";
import { Link } from "../common/Link";
import { ErrorMessage, Loading } from "../common/States";

// uPlot is only needed here: load it with the first product page, not with the dashboard.
const PriceStockChart = lazy(() => import("./PriceStockChart").then((m) => ({ default: m.PriceStockChart })));

export function ProductPage({ storeId, productId }: { storeId: string; productId: string }) {
  const product = useQuery(productQuery(storeId, productId));
  const history = useQuery(productHistoryQuery(storeId, productId));

  if (product.isPending) return <div className="page"><Loading /></div>;
  if (product.isError) return <div className="page"><ErrorMessage error={product.error} retry={() => void product.refetch()} /></div>;
  const p = product.data;
  const variants = [...p.variants].sort((a, b) => compareSizes(a.size, b.size));
  return (
    <div className="page">
      <div className="row">
        <Link to="/products">← Products</Link>
      </div>
      <div className="detail">
        <section className="panel panel-body stack">
          <ProductImage src={p.image} label={p.vendor || p.title} className="detail-img" />
          <h1>{p.title}</h1>
          <div className="row-wrap">
            <b className="num" style={{ fontSize: 18 }}>{formatPrice(p.price)}</b>
            {p.available ? <span className="badge badge-ok">In stock</span> : <span className="badge badge-muted">Sold out</span>}
          </div>
          <dl className="kv" style={{ gridTemplateColumns: "90px minmax(0, 1fr)" }}>
            <dt>Vendor</dt>
            <dd>{p.vendor || "—"}</dd>
            <dt>Style</dt>
            <dd>{p.style_code ?? "—"}</dd>
            <dt>First seen</dt>
            <dd>{relativeTime(p.first_seen_at)}</dd>
            <dt>Updated</dt>
            <dd>{relativeTime(p.updated_at)}</dd>
            {history.data?.sell_out_seconds != null ? (
              <>
                <dt>Sold out in</dt>
                <dd>{formatDuration(history.data.sell_out_seconds * 1000)}</dd>
              </>
            ) : null}
          </dl>
          {p.url ? (
            <a href={p.url} target="_blank" rel="noreferrer noopener">
              Open on the store ↗
            </a>
          ) : null}
          <Link to={`/tasks?${new URLSearchParams({ new: "1", store: p.store_id, product: p.url || p.handle }).toString()}`} className="button primary" style={{ alignSelf: "flex-start" }}>
            Create task
          </Link>
        </section>
        <div className="stack">
          <section className="panel">
            <header className="panel-head">
              <h2>Price and stock over time</h2>
              <span className="muted">{history.data ? `${history.data.points.length} points` : ""}</span>
            </header>
            <div className="panel-body">
              {history.isPending ? <Loading /> : history.isError ? <ErrorMessage error={history.error} /> : (
                <Suspense fallback={<Loading label="Loading chart…" />}>
                  <PriceStockChart points={history.data.points} />
                </Suspense>
              )}
            </div>
          </section>
          <section className="panel">
            <header className="panel-head">
              <h2>Sizes</h2>
              <span className="muted">{p.variants.filter((v) => v.available).length} of {p.variants.length} in stock</span>
            </header>
            <table className="table">
              <thead>
                <tr>
                  <th>Size</th>
                  <th>Price</th>
                  <th>Stock</th>
                  <th className="right">Variant</th>
                </tr>
              </thead>
              <tbody>
                {variants.map((v) => (
                  <tr key={v.id}>
                    <td className="num">{v.size}</td>
                    <td className="num">{formatPrice(v.price)}</td>
                    <td>{v.available ? <span className="badge badge-ok">In stock</span> : <span className="badge badge-muted">Sold out</span>}</td>
                    <td className="right faint mono">{v.id}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </div>
      </div>
    </div>
  );
}
