"""The one error of backup and restore: shown to the operator as it is, never a traceback."""


class BackupError(Exception):
    """A backup could not be made, or a backup is refused (corrupt, partial, wrong key)."""
