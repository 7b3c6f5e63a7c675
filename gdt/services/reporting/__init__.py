"""Management figures without personal data: the yearly statistics, the tallies behind them, indicators,
charts and exports."""
