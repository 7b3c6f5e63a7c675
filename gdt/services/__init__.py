"""The operations, one package per feature; see docs/architecture.md for the map and the layers."""
