"""Reading a /metrics page the way Prometheus does, for tests that compare before and after."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families


def sample(page: str, name: str, **labels: str) -> float:
    """The value of the sample `name` with exactly these labels on a scraped page; 0 if it is not there yet."""
    for family in text_string_to_metric_families(page):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return found.value
    return 0.0


def local_sample(name: str, **labels: str) -> float:
    """The same from this process's registry (before a scrape, to know what to expect after it)."""
    from harbor.core.metrics import render

    return sample(render()[0].decode(), name, **labels)
