"""The generated config is one Phantom accepts, and the readiness probe reads its metrics."""

from __future__ import annotations

from pathlib import Path

from bench.phantom_proc import PhantomConfig, polls_total, serve_argv
from phantom.core.settings import load_settings


def test_generated_toml_loads_with_phantoms_own_settings(tmp_path: Path) -> None:
    config = PhantomConfig(
        stores=[(f"bench-{i}", f"http://127.0.0.1:9/shop/bench-{i}") for i in range(3)],
        sink_url="http://127.0.0.1:9/sink/phantom/webhooks/1/token",
        db_path=tmp_path / "p.db",
        data_dir=tmp_path / "data",
        interval=2.0,
        events=("new_product",),
        keywords="probe",
    )
    path = tmp_path / "phantom.toml"
    path.write_text(config.toml(), encoding="utf-8")
    settings = load_settings(path)
    assert [s.name for s in settings.stores] == ["bench-0", "bench-1", "bench-2"]
    assert {s.interval for s in settings.stores} == {2.0}
    assert settings.database.url == f"sqlite+aiosqlite:///{tmp_path / 'p.db'}"
    assert settings.monitor.limit_per_host >= 100
    (channel,) = settings.notifications
    assert channel.kind == "discord" and channel.keywords == "probe"
    assert [e.value for e in channel.events] == ["new_product"]
    assert serve_argv(path, 8123)[-4:] == ["--config", str(path), "--port", "8123"]


def test_polls_total_sums_every_outcome() -> None:
    text = (
        "# HELP phantom_polls_total Store polls by outcome\n"
        'phantom_polls_total{outcome="ok"} 17.0\n'
        'phantom_polls_total{outcome="not_modified"} 3.0\n'
        'phantom_polls_created{outcome="ok"} 1.7e+09\n'
    )
    assert polls_total(text) == 20.0
