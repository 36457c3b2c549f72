"""Shared pytest options and fixtures."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--postgres-url",
        default=os.environ.get("PHANTOM_TEST_POSTGRES_URL"),
        help="postgresql+asyncpg:// URL of a database the tests may wipe; postgres-marked tests skip without it "
        "(default: $PHANTOM_TEST_POSTGRES_URL)",
    )


@pytest.fixture(scope="session")
def postgres_url(pytestconfig: pytest.Config) -> str:
    url = pytestconfig.getoption("--postgres-url")
    if not url:
        pytest.skip("no PostgreSQL: set PHANTOM_TEST_POSTGRES_URL or pass --postgres-url")
    return str(url)
