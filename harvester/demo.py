"""The demo's own OAI-PMH provider over fixtures/, and the settings that point at it."""

from __future__ import annotations

from config import Settings
from config.settings import REPO_ROOT
from harvester.provider import ProviderHandle, serve_fixtures

DEMO_OAI_DIR = REPO_ROOT / "fixtures" / "data" / "oai"
# demo.toml writes this address for libraries served by the demo's provider.
PROVIDER_PLACEHOLDER = "http://127.0.0.1:0"


# The provider's port when it is free: the harvest state remembers each library's endpoint, and
# a port that changed from run to run made every demo run after the first a "scope change"
# (a warning per library, everything harvested again, an identifiers sweep).
DEMO_PROVIDER_PORT = 8764


def start_demo_provider(host: str = "127.0.0.1") -> ProviderHandle:
    """Serve every fixtures/data/oai/*.xml file as an OAI-PMH repository of its own name."""
    repositories = {path.stem: path for path in sorted(DEMO_OAI_DIR.glob("*.xml"))}
    try:
        return serve_fixtures(repositories, host=host, port=DEMO_PROVIDER_PORT)
    except OSError:  # taken (another demo running): any port, and the next run harvests everything again
        return serve_fixtures(repositories, host=host, port=0)


def demo_settings(settings: Settings, provider_url: str) -> Settings:
    """The demo settings with the placeholder address replaced by the running provider's."""
    libraries = tuple(
        library.model_copy(update={"url": library.url.replace(PROVIDER_PLACEHOLDER, provider_url.rstrip("/"))})
        if library.url.startswith(PROVIDER_PLACEHOLDER + "/")
        else library
        for library in settings.libraries
    )
    return settings.model_copy(update={"libraries": libraries})
