"""Progress lines on stderr for the long-running interchange commands."""

import time


class ProgressPrinter:
    """`progress(phase, done, total)` for import_document: for a phase of at least `every`
    records, prints a line every `every` records and at its end; small phases stay quiet."""

    def __init__(self, stream, every: int):
        self.stream, self.every = stream, every
        self.last: dict[str, int] = {}
        self.started = time.monotonic()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if total < self.every:
            return
        last = self.last.get(phase, 0)
        if done < total and done - last < self.every:
            return
        self.last[phase] = done
        elapsed = time.monotonic() - self.started
        self.stream.write(f"{phase}: {done}/{total} ({elapsed:.1f}s)")
