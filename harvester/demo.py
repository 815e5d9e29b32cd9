"""The demo's own OAI-PMH provider over fixtures/, and the settings that point at it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from config import Settings
from config.settings import REPO_ROOT
from harvester.provider import ProviderHandle, serve_fixtures

DEMO_OAI_DIR = REPO_ROOT / "fixtures" / "data" / "oai"
# demo.toml writes this address for libraries served by the demo's provider.
PROVIDER_PLACEHOLDER = "http://127.0.0.1:0"
PROVIDER_PORT_FILE = "demo-provider-port"  # in the data directory


def start_demo_provider(data_dir: Path, host: str = "127.0.0.1") -> ProviderHandle:
    """Serve every fixtures/data/oai/*.xml file as an OAI-PMH repository of its own name.

    On the port of the demo's last run when it is free: the harvest state remembers each
    library's URL, and on a new port every run harvested everything again as a moved library.
    The port is remembered by `demo_provider_for` once the command that used it has run.
    """
    repositories = {path.stem: path for path in sorted(DEMO_OAI_DIR.glob("*.xml"))}
    try:
        return serve_fixtures(repositories, host=host, port=_remembered_port(data_dir / PROVIDER_PORT_FILE))
    except OSError:  # taken by another program since: any free port, harvested whole once
        return serve_fixtures(repositories, host=host, port=0)


def _remember_port(data_dir: Path, provider: ProviderHandle) -> None:
    """Save the provider's port for the next run (after a harvest went to it)."""
    port_file = data_dir / PROVIDER_PORT_FILE
    port_file.parent.mkdir(parents=True, exist_ok=True)
    port_file.write_text(provider.base_url.rsplit(":", 1)[1] + "\n", encoding="utf-8")


def _remembered_port(port_file: Path) -> int:
    """The provider port of the last demo run; 0 (any free port) when none is saved."""
    try:
        return int(port_file.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return 0


def demo_settings(settings: Settings, provider_url: str) -> Settings:
    """The demo settings with the placeholder address replaced by the running provider's."""
    libraries = tuple(
        library.model_copy(update={"url": library.url.replace(PROVIDER_PLACEHOLDER, provider_url.rstrip("/"))})
        if library.url.startswith(PROVIDER_PLACEHOLDER + "/")
        else library
        for library in settings.libraries
    )
    return settings.model_copy(update={"libraries": libraries})


@contextmanager
def demo_provider_for(settings: Settings) -> Iterator[tuple[Settings, str | None]]:
    """`settings` with the placeholder address replaced by a demo provider started here, and its URL.

    demo.toml is also the default configuration of every command (no --config, no
    ./unioncat.toml), so `update` and `harvest` meet the placeholder too: they reached port 0,
    retried for half a minute and failed three libraries.  Settings without the placeholder
    come back as they are, with None, and nothing is started.
    """
    if not any(library.url.startswith(PROVIDER_PLACEHOLDER + "/") for library in settings.libraries):
        yield settings, None
        return
    provider = start_demo_provider(settings.data_dir)
    try:
        yield demo_settings(settings, provider.base_url), provider.base_url
        # Only now: a run refused by the run lock (its port taken by the run that holds it) must not
        # make the next night call every library at its own short-lived address.
        _remember_port(settings.data_dir, provider)
    finally:
        provider.stop()
