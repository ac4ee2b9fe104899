"""What the benchmark prints: one line at a time, flushed (it runs for minutes)."""


def log(msg: str = "") -> None:
    print(msg, flush=True)
