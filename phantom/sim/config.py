"""Configuration of the simulated store process."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class SimConfig:
    """What the sim serves at start; everything else is added through the control API."""

    shopify_stores: int = 3  # named "store-0", "store-1", ...
    footsites_stores: int = 1  # named "fl-0", ...
    products_per_store: int = 60  # realistic: tens to 250
    seed: int = 1
    time_scale: float = 1.0  # >1 compresses scheduled time (for hostile-hour tests)
    skus_per_footsites_store: int = 12
    request_log_size: int = 5_000  # per store ring buffer
    change_log_size: int = 200_000
    sink_limit: int = 5  # Discord-like bucket: 5 requests ...
    sink_window: float = 2.0  # ... per 2 seconds
    vault_port: int = 0  # the card vault's own port (another origin, like Shopify's); 0 picks a free one
