"""The README stays honest: every setting and every command is documented."""

from __future__ import annotations

import re

from typer.main import get_command

from config.settings import REPO_ROOT, settings_documentation
from harvester.cli import app

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented_in_the_readme():
    rows = set(re.findall(r"^\| (\w+) \| `(\w+)` \|", README, flags=re.MULTILINE))
    missing = [(section, name) for section, name, _default, _help in settings_documentation()
               if (section, name) not in rows]
    assert missing == []


def test_the_readme_gives_each_setting_its_default_and_help_text():
    rows = {(section, name): (default, help_text) for section, name, default, help_text
            in re.findall(r"^\| (\w+) \| `(\w+)` \| ([^|]*) \| ([^|]*) \|", README, flags=re.MULTILINE)}
    wrong = []
    for section, name, default, help_text in settings_documentation():
        shown_default, shown_help = rows[(section, name)]
        expected = "[]" if default == () else str(default)
        if "…" not in shown_default and shown_default != expected or shown_help != help_text:
            wrong.append((section, name))
    assert wrong == []


def test_every_setting_has_help_text():
    assert [name for _s, name, _d, help_text in settings_documentation() if not help_text] == []


def test_readme_command_table_matches_the_cli_help():
    commands = get_command(app).commands
    documented = dict(re.findall(r"^\| `unioncat (\w+)[^`]*` \| (.+?) \|$", README, flags=re.MULTILINE))
    assert list(documented) == list(commands)  # in the order `unioncat --help` lists them
    for name, command in commands.items():
        first_line = (command.help or "").strip().splitlines()[0]
        assert documented[name] == first_line, name


def test_every_option_the_readme_shows_belongs_to_its_command():
    """A renamed or misplaced flag in an example (the crontab line, the operating notes)
    fails here, not on the operator's machine at 02:30."""
    commands = get_command(app).commands
    shown = re.findall(r"unioncat (\w+)((?: +(?:--?[\w-]+|[\w./{}$-]+))*)", README)
    assert len(shown) > 20
    wrong = []
    for name, rest in shown:
        if name not in commands:
            continue  # prose such as "unioncat run" or "unioncat is"
        known = {opt for param in commands[name].params for opt in param.opts}
        wrong += [(name, flag) for flag in re.findall(r"(?<!\S)--?[a-z][\w-]*", rest) if flag not in known]
    assert wrong == []


def test_the_readme_overrides_example_is_a_file_dedupe_reads(tmp_path):
    from dedupe.overrides import load_overrides

    block = re.search(r"```toml\n(.*?)```", README, flags=re.DOTALL).group(1)
    path = tmp_path / "overrides.toml"
    path.write_text(re.sub(r"^  ", "", block, flags=re.MULTILINE), encoding="utf-8")
    overrides = load_overrides(path)
    assert overrides.different == (("ca-tinh:CAT000130", "tv-vi-thuy:VTH000300"),) and overrides.same == ()


def test_the_readme_quotes_what_serve_says_without_a_catalogue(tmp_path):
    """The deployment notes tell an operator what a `serve` started before the first
    `unioncat update` prints; the words must be the ones found in the journal."""
    from typer.testing import CliRunner

    data_dir = tmp_path / "data"
    config = tmp_path / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--config", str(config), "--port", "0"])
    assert result.exit_code == 1
    said = result.output.strip().replace(str(data_dir), "DATA_DIR")
    quoted = re.search(r"``(unioncat: no catalogue at .*?)``", README, flags=re.DOTALL).group(1)
    assert said == " ".join(quoted.split())


def test_the_readme_names_every_search_filter():
    """The HTTP API section listed six filters; the search takes one per facet, `decade` and
    `subject` too, and a partner site reading only the README never found them."""
    from index.facets import FILTERS

    listed = re.search(r"`GET /api/search\?q=&page=&size=&sort=` with filters (.*?) →", README, flags=re.DOTALL)
    assert listed is not None
    assert re.findall(r"`([a-z_]+)`", listed.group(1)) == list(FILTERS)
