"""Standard texts per category and moment that staff pick and edit when writing to residents or partners."""
