"""What the soak samples while a handler runs: resident memory at fixed call counts (fitted to a growth per
1 000 calls, as the median of the slopes of consecutive windows and over the whole run) and the counters a
leak would grow: open descriptors and files, temp entries, threads, pooled and server-side DB connections.

Resident memory is split in two. Anonymous memory (heap, arenas, buffers) is what a leak grows. File-backed
pages are mapped files read so far, e.g. the embedding model's weights, which the model maps and pages in
as texts use more of its vocabulary: they grow up to the file's size, are shared with the page cache and
dropped by the kernel under pressure, so they are reported but not counted as growth."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

from record import spread

# Counters that must not grow once a handler is warm.
LEAK_COUNTERS = (
    "open_fds",
    "open_files",
    "temp_entries",
    "threads",
    "db_connections_checked_out",
    "db_server_connections",
)


def _server_connections(services: Any) -> int | None:
    """PostgreSQL backends of this database other than the one asking; None on SQLite."""
    from sqlalchemy import text

    if services.db.dialect != "postgresql":
        return None
    with services.db.engine.connect() as conn:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        return int(conn.execute(text(query)).scalar_one())


def resident_mb(proc: Any) -> tuple[float, float]:
    """(anonymous, file-backed and shared) resident memory in MB."""
    info = proc.memory_info()
    return round((info.rss - info.shared) / 2**20, 3), round(info.shared / 2**20, 3)


def snapshot(proc: Any, services: Any, tmp_root: Path) -> dict[str, Any]:
    gc.collect()
    files = proc.open_files()
    pool = services.db.engine.pool
    db_path = str(services.settings.sqlite_path.resolve())
    anon, mapped = resident_mb(proc)
    return {
        "rss_mb": round(anon + mapped, 3),
        "rss_anon_mb": anon,
        "rss_file_mb": mapped,
        "open_fds": proc.num_fds(),
        "open_files": len(files),
        "db_files_open": sum(1 for f in files if f.path.startswith(db_path)),
        "db_connections_checked_out": pool.checkedout() if hasattr(pool, "checkedout") else None,
        "db_server_connections": _server_connections(services),
        "temp_entries": sum(1 for _ in tmp_root.rglob("*")),
        "threads": threading.active_count(),
        "os_threads": proc.num_threads(),
    }


def slope_per_1000(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of (calls, MB) points, in MB per 1 000 calls."""
    n = len(points)
    if n < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    if var == 0:
        return 0.0
    cov = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return cov / var * 1000


def memory_growth(points: list[tuple[int, float]], windows: int = 5) -> dict[str, Any]:
    """Growth of anonymous memory after warm-up: the slope of each of `windows` consecutive windows (median,
    min, max) and of the whole run, in MB per 1 000 calls; fewer windows when there are too few samples."""
    bounds = [round(k * len(points) / windows) for k in range(windows + 1)]
    chunks = [points[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b - a >= 2]
    slopes = [round(slope_per_1000(c), 4) for c in chunks] or [0.0]
    return {
        "samples": len(points),
        "mb_per_1000_calls_windows": spread(slopes),
        "mb_per_1000_calls_fit": round(slope_per_1000(points), 4),
        "rss_anon_first_mb": points[0][1] if points else None,
        "rss_anon_last_mb": points[-1][1] if points else None,
    }


def leaks(at_warm: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    """Counters higher at the end than once warm: {counter: growth}."""
    grown = {}
    for name in LEAK_COUNTERS:
        start, end = at_warm.get(name), after.get(name)
        if start is not None and end is not None and end > start:
            grown[name] = end - start
    return grown
