"""Commands around the server: serve the shop and the API, manage storefront API keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from configurator.cli.common import (
    app,
    fail,
    read_settings,
)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    catalog: Annotated[Path | None, typer.Option(help="Catalog folder (default: the bundled samples).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Server processes (each loads and watches the catalog).")] = 1,
    max_connections: Annotated[
        int, typer.Option(min=1, help="Connections and requests at once per process; beyond them, 503.")
    ] = 200,
) -> None:
    """Serve the shop and the JSON API (request rates and time limits: CONFIGURATOR_* in the README)."""
    import os

    import uvicorn

    if catalog is not None:
        os.environ["CONFIGURATOR_CATALOG"] = str(catalog)  # every worker process builds its own app from it
    read_settings()  # a bad setting stops here, said plainly, before any worker starts
    typer.echo(f"Serving the configurator on http://{host}:{port}/ ({workers} process(es))", err=True)
    uvicorn.run("configurator.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info",
                limit_concurrency=max_connections, timeout_keep_alive=5)


apikey_app = typer.Typer(help="Manage storefront API keys.", no_args_is_help=True)


app.add_typer(apikey_app, name="apikey")


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Argument(help="Who the key is for.")],
    admin: Annotated[bool, typer.Option("--admin", help="A merchandiser's key: opens the merchant page.")] = False,
    origin: Annotated[list[str] | None, typer.Option(
        "--origin", help="A browser origin the key may be used from (https://shop.example); repeat for more.")] = None,
    publishable: Annotated[bool, typer.Option(
        "--publishable", help="A key for pages: configures, prices and quotes, reads nothing stored.")] = False,
) -> None:
    """Create an API key; it is printed once, alone on the last line, and stored hashed."""

    from configurator.persistence.db import create_api_key, make_engine, migrate, writing
    from configurator.services.origins import checked_origin

    try:
        origins = tuple(checked_origin(o) for o in origin or ())
    except ValueError as exc:
        fail(str(exc))
    engine = make_engine(read_settings().database_url)
    migrate(engine)
    with writing(engine) as db:
        key = create_api_key(db, name, admin, origins, publishable)
    typer.echo(f"API key for {name} (shown once; send it as the X-API-Key header):")
    typer.echo(key)


keys_app = typer.Typer(help="Manage the keys signed configurations are signed with.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Sign with a new key from now on; the old ones verify what they signed until it expires (and stay published
    at /.well-known/jwks.json until then). Prints the new key's id."""
    from configurator.persistence.db import make_engine, migrate
    from configurator.services.signing import rotate_keys

    engine = make_engine(read_settings().database_url)
    migrate(engine)
    typer.echo(rotate_keys(engine))


@keys_app.command("list")
def keys_list() -> None:
    """Every signing key: its id, when it was made, and when it was retired (the one not retired signs)."""
    from sqlmodel import Session, col, select

    from configurator.persistence.db import SigningKey, make_engine, migrate

    engine = make_engine(read_settings().database_url)
    migrate(engine)
    with Session(engine) as db:
        for key in db.exec(select(SigningKey).order_by(col(SigningKey.created_at))):
            retired = f"retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else "signing"
            typer.echo(f"{key.kid}  made {key.created_at:%Y-%m-%d %H:%M}  {retired}")
