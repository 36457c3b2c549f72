import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ProductRead } from "../../api/models";
import { productsInfiniteQuery, type ProductSearch } from "../../hooks/queries/products";
import { storesQuery } from "../../hooks/queries/stores";
import { formatPrice, relativeTime, sortSizes } from "../../lib/format";
import { ProductImage } from "../common/Badges";
import { DEFAULT_PRODUCT_FILTERS, useUiStore, type ProductFilters } from "../../store/ui";
import { Link } from "../common/Link";
import { Empty, ErrorMessage, Loading } from "../common/States";

export function toSearch(f: ProductFilters): ProductSearch {
  const search: ProductSearch = {};
  if (f.q.trim()) search.q = f.q.trim();
  if (f.storeId) search.store_id = f.storeId;
  if (f.size.trim()) search.size = f.size.trim();
  if (f.styleCode.trim()) search.style_code = f.styleCode.trim();
  if (f.availability !== "any") search.available = f.availability === "in-stock";
  return search;
}

function ProductCard({ product, storeName }: { product: ProductRead; storeName: string }) {
  const sizes = sortSizes(product.sizes_in_stock);
  return (
    <Link
      to={`/products/${encodeURIComponent(product.store_id)}/${encodeURIComponent(product.product_id)}`}
      className="panel product-card"
      data-testid="product-card"
    >
      <ProductImage src={product.image} label={product.vendor || product.title} className="product-img" />
      <div className="product-info">
        <div className="product-title" title={product.title}>{product.title}</div>
        <div className="row">
          <b className="num">{formatPrice(product.price)}</b>
          <span className="spacer" />
          {product.available ? <span className="badge badge-ok">In stock</span> : <span className="badge badge-muted">Sold out</span>}
        </div>
        <div className="sizes" aria-label="Sizes in stock">
          {sizes.slice(0, 12).map((s) => (
            <span key={s} className="chip">{s}</span>
          ))}
          {sizes.length > 12 ? <span className="chip faint">+{sizes.length - 12}</span> : null}
        </div>
        <div className="faint ellipsis" style={{ fontSize: 12 }}>
          {storeName} · {relativeTime(product.updated_at)}
        </div>
      </div>
    </Link>
  );
}

export function ProductsPage() {
  const filters = useUiStore((s) => s.productFilters);
  const setFilters = useUiStore((s) => s.setProductFilters);
  const [q, setQ] = useState(filters.q);
  const stores = useQuery(storesQuery());
  const products = useInfiniteQuery(productsInfiniteQuery(toSearch(filters)));
  const names = new Map(stores.data?.map((s) => [s.id, s.name || s.url]) ?? []);
  const items = products.data?.pages.flatMap((p) => p.items) ?? [];

  useEffect(() => {
    const timer = setTimeout(() => setFilters({ q }), 300);
    return () => clearTimeout(timer);
  }, [q, setFilters]);

  return (
    <div className="page">
      <section className="panel">
        <div className="panel-body row-wrap" role="search" aria-label="Product search">
          <label className="field" style={{ flex: "2 1 260px" }}>
            Search
            <input value={q} onChange={(e) => setQ(e.target.value)} placeholder='keywords: "+dunk -kids, jordan 1"' aria-label="Search products" />
          </label>
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
          <label className="field" style={{ width: 90 }}>
            Size
            <input value={filters.size} onChange={(e) => setFilters({ size: e.target.value })} placeholder="9.5" aria-label="Size" />
          </label>
          <label className="field" style={{ width: 130 }}>
            Style code
            <input value={filters.styleCode} onChange={(e) => setFilters({ styleCode: e.target.value })} placeholder="DD1391-100" aria-label="Style code" />
          </label>
          <label className="field">
            Availability
            <select value={filters.availability} onChange={(e) => setFilters({ availability: e.target.value as ProductFilters["availability"] })} aria-label="Availability">
              <option value="any">Any</option>
              <option value="in-stock">In stock</option>
              <option value="sold-out">Sold out</option>
            </select>
          </label>
          <button
            type="button"
            className="ghost"
            style={{ alignSelf: "flex-end" }}
            onClick={() => {
              setQ("");
              setFilters(DEFAULT_PRODUCT_FILTERS);
            }}
          >
            Clear
          </button>
        </div>
      </section>
      {products.isPending ? (
        <Loading />
      ) : products.isError ? (
        <ErrorMessage error={products.error} retry={() => void products.refetch()} />
      ) : items.length === 0 ? (
        <section className="panel">
          <Empty>No products match. Products appear once a watched store has been polled.</Empty>
        </section>
      ) : (
        <div className="product-grid">
          {items.map((p) => (
            <ProductCard key={`${p.store_id}/${p.product_id}`} product={p} storeName={names.get(p.store_id) ?? p.store_id} />
          ))}
        </div>
      )}
      {products.hasNextPage ? (
        <div className="row" style={{ justifyContent: "center" }}>
          <button type="button" onClick={() => void products.fetchNextPage()} disabled={products.isFetchingNextPage}>
            {products.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : null}
    </div>
  );
}
