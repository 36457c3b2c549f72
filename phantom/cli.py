"""`phantom serve | demo | sim | db upgrade | notify test` — parses arguments and hands over to core."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from phantom.core.settings import ConfigError, Settings

app = typer.Typer(
    help="Phantom: drop monitor and checkout assistant.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
notify_app = typer.Typer(help="Notification channels.", no_args_is_help=True)
token_app = typer.Typer(help="The admin access token of the API and dashboard.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(notify_app, name="notify")
app.add_typer(token_app, name="token")
keys_app = typer.Typer(help="The master key that encrypts stored cards.", no_args_is_help=True)
profiles_app = typer.Typer(help="Checkout profiles: export and import.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(profiles_app, name="profiles")
console = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="TOML config file.", exists=True, dir_okay=False)
]


def _settings(config: Path | None, **kwargs: object) -> Settings:
    from phantom.core.commands import quick_start_settings

    try:
        return quick_start_settings(config=config, **kwargs)  # type: ignore[arg-type]
    except ConfigError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None


@app.command()
def serve(
    config: ConfigOpt = None,
    stores: Annotated[
        Path | None,
        typer.Option(help="File with one Shopify store URL per line.", exists=True, dir_okay=False),
    ] = None,
    webhook: Annotated[str | None, typer.Option(help="Discord webhook for every event but sold_out.")] = None,
    interval: Annotated[float | None, typer.Option(help="Poll interval in seconds.", min=0.5)] = None,
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="API port (or PHANTOM_PORT).", min=1, max=65535)] = None,
) -> None:
    """Run monitors, notifications and the API."""
    import uvicorn

    from phantom.core.app import create_app
    from phantom.core.commands import ensure_admin_token
    from phantom.core.logging import configure_logging

    settings = _settings(config, stores_file=stores, webhook=webhook, interval=interval, host=host, port=port)
    configure_logging(settings.log_level, settings.log_json)
    _require_master_key(settings)
    token = asyncio.run(ensure_admin_token(settings))
    console.print(
        f"Phantom serving on [bold]http://{settings.host}:{settings.port}[/bold] — "
        f"{len(settings.stores)} configured store(s), {len(settings.notifications)} channel(s)"
    )
    if token is not None:
        console.print(f"First start: access token [bold]{token}[/bold]", soft_wrap=True)
        console.print("Shown only this once (Phantom keeps a hash); `phantom token rotate` makes a new one.")
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        lifespan="on",
    )


@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = None) -> None:
    """Create or migrate the database to the newest schema."""
    from phantom.core.commands import migrate

    settings = _settings(config, stores_file=None, webhook=None, interval=None)
    migrate(settings)
    console.print("database is up to date")


@notify_app.command("test")
def notify_test(
    config: ConfigOpt = None,
    webhook: Annotated[str | None, typer.Option(help="Also test this Discord webhook.")] = None,
) -> None:
    """Send a sample alert to every configured channel."""
    from phantom.core.commands import notify_test as run_test

    settings = _settings(config, stores_file=None, webhook=webhook, interval=None)
    if not settings.notifications:
        console.print("[yellow]no notification channels configured[/yellow] (use --config or --webhook)")
        raise typer.Exit(1)
    failed = False
    for name, result in asyncio.run(run_test(settings)):
        ok = result.outcome.value == "sent"
        failed |= not ok
        mark = "[green]sent[/green]" if ok else f"[red]{result.outcome.value}[/red] {result.detail}"
        console.print(f"{name}: {mark}")
    raise typer.Exit(1 if failed else 0)


@token_app.command("rotate")
def token_rotate(config: ConfigOpt = None) -> None:
    """Replace the access token (printed once, on stdout) and end every dashboard session."""
    from phantom.core.commands import rotate_admin_token

    settings = _settings(config, stores_file=None, webhook=None, interval=None)
    token = asyncio.run(rotate_admin_token(settings))
    console.print("new access token (shown once; every dashboard session has ended):")
    print(token)


def _require_master_key(settings: Settings) -> None:
    """Refuse to start with a key file others can read or a malformed key: say which file and the fix."""
    from phantom.core.keys import KeyFileError, load_keyring

    try:
        load_keyring(settings).lock.release()
    except KeyFileError as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from None


@keys_app.command("rotate")
def keys_rotate(config: ConfigOpt = None) -> None:
    """Re-encrypt every stored card under a new key, then replace the key file. Stop Phantom first.
    Refuses when PHANTOM_MASTER_KEY is set (and says how to rotate such a key)."""
    from phantom.core.keys import KeyFileError, rotate_master_key

    settings = _settings(config, stores_file=None, webhook=None, interval=None)
    try:
        done = asyncio.run(rotate_master_key(settings))
    except KeyFileError as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"{done.profiles} profile(s) re-encrypted; {done.key_file} now holds key {done.key_id}.")
    console.print("Back up the new key file: cards cannot be read without it.")


FormatOpt = Annotated[str | None, typer.Option("--format", help="csv or json (default: the file's suffix).")]


@profiles_app.command("export")
def profiles_export(
    file: Annotated[Path, typer.Argument(help="New file to write (never overwritten; mode 0600).")],
    config: ConfigOpt = None,
    fmt: FormatOpt = None,
    include_cards: Annotated[
        bool, typer.Option("--include-cards", help="Write full card numbers and CVVs (re-importable).")
    ] = False,
) -> None:
    """Export every profile. Without --include-cards, cards appear as brand and last four digits only."""
    from phantom.core.keys import KeyFileError
    from phantom.core.profile_commands import export_text, format_of, write_private_file

    settings = _settings(config, stores_file=None, webhook=None, interval=None)
    try:
        if file.exists():
            raise FileExistsError(f"{file} exists: Phantom writes exports to a new file only")
        text, count = asyncio.run(export_text(settings, format_of(file, fmt), include_cards=include_cards))
        write_private_file(file, text)
    except (KeyFileError, ValueError, FileExistsError) as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from None
    note = " (with full cards: keep it private)" if include_cards else ""
    console.print(f"{count} profile(s) written to {file}{note}")


@profiles_app.command("import")
def profiles_import(
    file: Annotated[Path, typer.Argument(help="CSV or JSON file.", exists=True, dir_okay=False)],
    config: ConfigOpt = None,
    fmt: FormatOpt = None,
) -> None:
    """Import profiles: all of them, or none when any row is bad (every problem is listed)."""
    from phantom.core.keys import KeyFileError
    from phantom.core.profile_commands import format_of, import_text
    from phantom.domain.errors import ProfileImportRejected

    settings = _settings(config, stores_file=None, webhook=None, interval=None)
    try:
        content = file.read_text(encoding="utf-8-sig")
        count = asyncio.run(import_text(settings, content, format_of(file, fmt)))
    except ProfileImportRejected as exc:
        console.print(f"[red]error:[/red] {exc}")
        for row, field, reason in exc.problems:
            console.print(f"  row {row}: {field}: {reason}", soft_wrap=True)
        raise typer.Exit(1) from None
    except (KeyFileError, ValueError) as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"{count} profile(s) imported")


@app.command()
def sim(
    host: str = "127.0.0.1",
    port: int = 8800,
    stores: Annotated[int, typer.Option(help="Shopify stores.")] = 3,
    footsites: Annotated[int, typer.Option(help="Footsites stores.")] = 1,
    products: Annotated[int, typer.Option(help="Products per store.")] = 60,
    seed: int = 1,
) -> None:
    """Run the simulated stores and webhook sink (for trying Phantom offline)."""
    from phantom.sim.server import SimConfig, run_sim

    run_sim(
        SimConfig(shopify_stores=stores, footsites_stores=footsites, products_per_store=products, seed=seed),
        host,
        port,
    )


@app.command()
def demo(
    seconds: Annotated[float, typer.Option(help="How long to run (0 = until Ctrl-C).")] = 60.0,
    stores: Annotated[int, typer.Option(help="Simulated Shopify stores.")] = 3,
) -> None:
    """Fully offline demo: a simulated drop sequence, Phantom watching it, alerts landing in a local sink."""
    from phantom.core.demo import run_demo

    asyncio.run(run_demo(seconds=seconds, stores=stores, console=Console()))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
