"""Tasks by area (gdt.<area>.<verb_object>); each body calls one service."""
