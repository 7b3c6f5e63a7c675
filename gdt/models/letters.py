"""Letter templates the administrator manages (sandboxed Jinja), rendered to PDF on a case."""
