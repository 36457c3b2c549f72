"""Use cases. Each receives its adapters as arguments and owns exactly one transaction."""
