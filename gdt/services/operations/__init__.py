"""Running the system: process heartbeats, the readiness checks and the figures /metrics reports.

Above every other feature (it counts what they did), read-only but for the heartbeats; no personal data.
"""
