"""What the administrator manages: users, partner organisations and the list of case results."""
