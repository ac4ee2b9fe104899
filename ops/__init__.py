"""Operating the service: backups of everything a user would lose, and their restore."""
