"""Pure domain: models, rules and ports. No I/O, no clock reads, no frameworks."""
