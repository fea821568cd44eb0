"""The MetricsSource port the evaluator reads through, the statistics it applies, the local adapter over
metric_points rows, and gauges probed at evaluation time (dead-letter queue depth, shared index age)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from foodsave.alerts import catalog
from foodsave.db.models import MetricPoint
from foodsave.errors import NotFound

if TYPE_CHECKING:
    from foodsave.db.session import Database
    from foodsave.ports import ObjectStore, Queue


@dataclass(frozen=True)
class MetricQuery:
    """One value to read: a catalogue metric, aggregated by `statistic` over the period ending at `end`."""

    metric: str
    statistic: str
    period_seconds: int
    dimensions: Mapping[str, str] = field(default_factory=dict)

    @property
    def definition(self) -> catalog.MetricDef:
        return catalog.CATALOGUE[self.metric]


@runtime_checkable
class MetricsSource(Protocol):
    def value(self, query: MetricQuery, end: datetime) -> float | None:
        """The aggregated value, or None when there is no data in the window."""
        ...


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (what CloudWatch approximates for pNN)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def aggregate(values: Sequence[float], statistic: str) -> float | None:
    """Apply a CloudWatch statistic to raw values; None for an empty window."""
    if not values:
        return None
    if statistic == "Sum":
        return math.fsum(values)
    if statistic == "Average":
        return math.fsum(values) / len(values)
    if statistic == "Minimum":
        return min(values)
    if statistic == "Maximum":
        return max(values)
    if statistic == "SampleCount":
        return float(len(values))
    if statistic.startswith("p"):
        return percentile(values, float(statistic[1:]))
    raise ValueError(f"unknown statistic {statistic!r}")


def ratio(numerator: float | None, denominator: float | None, scale: float = 100.0) -> float | None:
    """scale * numerator / denominator over one window; no traffic means no value, not 0 %."""
    if not denominator:
        return None
    return scale * (numerator or 0.0) / denominator


class LocalMetricsSource:
    """Reads metric_points (written by the local runtime's metric sink) with the same semantics as CloudWatch."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def _values(
        self, name: str, dimensions: Mapping[str, str], start: datetime, end: datetime
    ) -> list[float]:
        with self.db.session() as session:
            rows = session.execute(
                select(MetricPoint.value, MetricPoint.dimensions).where(
                    MetricPoint.name == name, MetricPoint.at >= start, MetricPoint.at < end
                )
            ).all()
        out = []
        for value, dims in rows:
            if isinstance(dims, str):  # some drivers hand JSON back as text
                dims = json.loads(dims)
            dims = dims or {}
            if all(dims.get(k) == v for k, v in dimensions.items()):
                out.append(float(value))
        return out

    def value(self, query: MetricQuery, end: datetime) -> float | None:
        definition = query.definition
        start = end - timedelta(seconds=query.period_seconds)
        if definition.kind == "ratio":
            num = math.fsum(
                v for n in definition.numerator for v in self._values(n, query.dimensions, start, end)
            )
            den = math.fsum(
                v for n in definition.denominator for v in self._values(n, query.dimensions, start, end)
            )
            return ratio(num, den)
        if definition.kind == "gauge":
            return None  # gauges are probed (ProbedMetricsSource), never stored series
        return aggregate(self._values(query.metric, query.dimensions, start, end), query.statistic)


METRIC_RETENTION_DAYS = 14


def purge_metric_points(session: Session, now: datetime, days: int = METRIC_RETENTION_DAYS) -> int:
    """Drop local samples older than any rule can look back (periods are at most a day)."""
    result = session.execute(delete(MetricPoint).where(MetricPoint.at < now - timedelta(days=days)))
    return int(getattr(result, "rowcount", 0) or 0)


Probe = Callable[[], float | None]


class ProbedMetricsSource:
    """Answers gauge metrics by probing now; everything else goes to the wrapped source."""

    def __init__(self, inner: MetricsSource, probes: Mapping[str, Probe]) -> None:
        self.inner = inner
        self.probes = dict(probes)

    def value(self, query: MetricQuery, end: datetime) -> float | None:
        probe = self.probes.get(query.metric)
        if probe is not None:
            return probe()
        return self.inner.value(query, end)


@dataclass(frozen=True)
class IndexInfo:
    name: str
    version: int
    published_at: datetime
    age_seconds: float


def read_index_pointers(
    store: ObjectStore, now: datetime, names: Iterable[str] = catalog.SHARED_INDEXES
) -> tuple[list[IndexInfo], list[str]]:
    """The published shared indexes (indexes/{name}/latest.json) and the names that have none."""
    found: list[IndexInfo] = []
    missing: list[str] = []
    for name in names:
        try:
            raw = store.get(f"{catalog.INDEX_PREFIX}/{name}/latest.json")
        except NotFound:
            missing.append(name)
            continue
        pointer: dict[str, Any] = json.loads(raw)
        published = datetime.fromisoformat(str(pointer["published_at"]).replace("Z", "+00:00"))
        found.append(
            IndexInfo(
                name=name,
                version=int(pointer["version"]),
                published_at=published,
                age_seconds=max(0.0, (now - published).total_seconds()),
            )
        )
    return found, missing


def index_age_probe(store: ObjectStore, clock: Callable[[], datetime]) -> Probe:
    def probe() -> float | None:
        found, _ = read_index_pointers(store, clock())
        return max((i.age_seconds for i in found), default=None)

    return probe


def dlq_depth_probe(queue: Queue) -> Probe | None:
    """The local queue knows its dead letters; SQS depth comes from CloudWatch instead."""
    depth = getattr(queue, "dlq_depth", None)
    if depth is None:
        return None
    return lambda: float(depth())


def with_probes(
    inner: MetricsSource, store: ObjectStore, queue: Queue, clock: Callable[[], datetime]
) -> MetricsSource:
    """`inner`, with the gauges probed at evaluation time (shared index age, dead letters when known)."""
    probes: dict[str, Probe] = {catalog.INDEX_AGE_SECONDS: index_age_probe(store, clock)}
    dlq = dlq_depth_probe(queue)
    if dlq is not None:
        probes[catalog.DLQ_DEPTH] = dlq
    return ProbedMetricsSource(inner, probes)
