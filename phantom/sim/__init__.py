"""Simulated stores (Shopify, Footsites), control API and Discord-like webhook sink.

Stands apart from the rest of phantom: it imports nothing of it and builds store JSON from its own models.
"""

from phantom.sim.config import SimConfig
from phantom.sim.server import SimServer, run_sim
from phantom.sim.state import SimState

__all__ = ["SimConfig", "SimServer", "SimState", "run_sim"]
