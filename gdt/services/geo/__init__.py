"""Where reports are: their coordinates, nearby reports and the map pages' data."""
