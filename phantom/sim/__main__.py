"""`python -m phantom.sim --port 8800 --stores 3`: run the simulated stores in the foreground."""

from __future__ import annotations

import argparse

from phantom.sim.server import SimConfig, run_sim


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m phantom.sim", description="Simulated Shopify/Footsites stores"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8800)
    parser.add_argument("--stores", type=int, default=3, help="Shopify stores (store-0, store-1, ...)")
    parser.add_argument("--footsites", type=int, default=1, help="Footsites stores (fl-0, ...)")
    parser.add_argument("--products", type=int, default=60, help="products per Shopify store")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--vault-port", type=int, default=0, help="card vault port (0: any free port)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    config = SimConfig(
        shopify_stores=args.stores,
        footsites_stores=args.footsites,
        products_per_store=args.products,
        seed=args.seed,
        time_scale=args.time_scale,
        vault_port=args.vault_port,
    )
    run_sim(config, args.host, args.port)


if __name__ == "__main__":
    main()
