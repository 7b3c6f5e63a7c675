"""Who may log in and how: single sign-on, second factors, account links, sessions (README, "Logging in")."""
