"""Standard texts per category and moment, with placeholders, that staff pick when writing."""
