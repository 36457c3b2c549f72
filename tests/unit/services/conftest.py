from __future__ import annotations

import pytest

from tests.fakes import (
    FakeDatabase,
    FakeMetrics,
    FakeMonitorControl,
    FakeNotifier,
    FrozenClock,
    SequentialIds,
)


@pytest.fixture
def db() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def ids() -> SequentialIds:
    return SequentialIds()


@pytest.fixture
def metrics() -> FakeMetrics:
    return FakeMetrics()


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


@pytest.fixture
def monitors() -> FakeMonitorControl:
    return FakeMonitorControl()
