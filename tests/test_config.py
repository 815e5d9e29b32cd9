"""Configuration: errors name the file, the library and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import ConfigError, load_settings
from config.settings import DEMO_CONFIG_PATH, REPO_ROOT


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "unioncat.toml"
    path.write_text(text, encoding="utf-8")
    return path


LIBRARY = """
[[libraries]]
id = "tv-tinh"
name = "Thư viện tỉnh Hậu Giang"
type = "provincial"
district = "Vị Thanh"
protocol = "oai-pmh"
url = "http://127.0.0.1:9/oai"
metadata_prefix = "marc21"
"""


def test_bundled_configs_load_with_their_libraries():
    demo = load_settings(DEMO_CONFIG_PATH)
    assert {lib.type for lib in demo.libraries} == {"provincial", "district", "school", "college", "armed_forces"}
    example = load_settings(REPO_ROOT / "config" / "hau-giang.example.toml")
    assert len(example.libraries) >= 15
    assert example.library("tv-tinh").name == "Thư viện tỉnh Hậu Giang"


def test_the_example_registry_names_an_operator_for_the_oai_feed():
    """An operator copying the example served /oai with Identify's placeholder admin@localhost."""
    example = load_settings(REPO_ROOT / "config" / "hau-giang.example.toml")
    assert example.api.admin_emails and "localhost" not in example.api.admin_emails[0]


def test_relative_data_dir_and_file_paths_resolve_against_the_config_file(tmp_path):
    path = _write(tmp_path, 'data_dir = "store"\n[[libraries]]\nid = "a"\nname = "A"\ntype = "school"\n'
                            'district = "Vị Thanh"\nprotocol = "marc-file"\nurl = "files/a.mrc"\n')
    settings = load_settings(path)
    assert settings.data_dir == tmp_path / "store"
    assert settings.library("a").url == str(tmp_path / "files" / "a.mrc")


def test_invalid_library_field_names_file_library_and_field(tmp_path):
    path = _write(tmp_path, 'data_dir = "d"\n' + LIBRARY.replace('"provincial"', '"museum"'))
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert str(path) in message and "'tv-tinh'" in message and "'type'" in message


def test_oai_library_without_metadata_prefix_is_rejected(tmp_path):
    path = _write(tmp_path, 'data_dir = "d"\n' + LIBRARY.replace('metadata_prefix = "marc21"\n', ""))
    with pytest.raises(ConfigError, match="metadata_prefix"):
        load_settings(path)


def test_duplicate_library_ids_are_rejected(tmp_path):
    path = _write(tmp_path, 'data_dir = "d"\n' + LIBRARY + LIBRARY)
    with pytest.raises(ConfigError, match="appears twice"):
        load_settings(path)


def test_broken_toml_and_missing_file_say_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(_write(tmp_path, "data_dir = \n"))
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "missing.toml")


def test_opac_template_needs_the_id_placeholder(tmp_path):
    path = _write(tmp_path, 'data_dir = "d"\n' + LIBRARY + 'opac_url = "https://opac.example/record"\n')
    with pytest.raises(ConfigError, match=r"\{id\}"):
        load_settings(path)


@pytest.mark.parametrize("template", ["https://opac.example/record/{id}?lang={lang}", "https://opac.example/{id}/{}",
                                      "https://opac.example/{id}?q={", "javascript:alert(1)//{id}",
                                      "data:text/html,<script>alert(1)</script>{id}", " https://opac.example/{id}"])
def test_opac_template_with_another_placeholder_is_a_config_error_not_record_rejects(tmp_path, template):
    """Every record of the library would fail to link; the file names the mistake instead."""
    path = _write(tmp_path, 'data_dir = "d"\n' + LIBRARY + f'opac_url = "{template}"\n')
    with pytest.raises(ConfigError, match=r"tv-tinh.*opac_url|opac_url.*tv-tinh"):
        load_settings(path)


def test_opac_template_may_hold_literal_braces(tmp_path):
    path = _write(tmp_path, 'data_dir = "d"\n' + LIBRARY + 'opac_url = "https://opac.example/{id}?f={{x}}"\n')
    [library] = load_settings(path).libraries
    assert library.opac_link("42") == "https://opac.example/42?f={x}"


def test_an_opac_link_carries_the_local_id_url_encoded(tmp_path):
    path = _write(tmp_path, 'data_dir = "d"\n' + LIBRARY + 'opac_url = "https://opac.example/record?id={id}"\n')
    [library] = load_settings(path).libraries
    assert library.opac_link("HG 12/3?x=1&y#z") == "https://opac.example/record?id=HG%2012%2F3%3Fx%3D1%26y%23z"


@pytest.mark.parametrize("tags", ['["85"]', '["abc "]', '["9520"]'])
def test_holdings_tags_must_be_marc_tags(tmp_path, tags):
    path = _write(tmp_path, 'data_dir = "d"\n' + LIBRARY + f"holdings_tags = {tags}\n")
    with pytest.raises(ConfigError, match="tv-tinh.*holdings_tags"):
        load_settings(path)


@pytest.mark.parametrize("field, text", [
    ("data_dir", 'data_dir = "~no-such-user-unioncat/catalog"\n'),
    ("dedupe.overrides_path", 'data_dir = "d"\n[dedupe]\noverrides_path = "~no-such-user-unioncat/same.toml"\n'),
    ("url", 'data_dir = "d"\n[[libraries]]\nid = "tv-y"\nname = "Y"\ntype = "school"\ndistrict = "Vị Thanh"\n'
            'protocol = "marc-file"\nurl = "~no-such-user-unioncat/y.mrc"\n'),
])
def test_a_path_under_an_unknown_users_home_is_a_config_error_naming_the_field(tmp_path, field, text):
    """pathlib's expanduser raised RuntimeError for `~name` of an unknown user: a traceback."""
    with pytest.raises(ConfigError, match=rf"field '{field}'.*no-such-user-unioncat") as info:
        load_settings(_write(tmp_path, text))
    assert info.value.field == field


def test_a_marc_file_path_under_home_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    path = _write(tmp_path, 'data_dir = "~/d"\n[[libraries]]\nid = "tv-y"\nname = "Y"\ntype = "school"\n'
                            'district = "Vị Thanh"\nprotocol = "marc-file"\nurl = "~/y.mrc"\n')
    settings = load_settings(path)
    assert settings.data_dir == tmp_path / "d" and settings.library("tv-y").url == str(tmp_path / "y.mrc")


@pytest.mark.parametrize("value", ["5", "[\"a\", \"b\"]", "true", '""', "{ path = \"d\" }"])
def test_data_dir_that_is_not_a_path_is_rejected_not_turned_into_a_folder_name(tmp_path, value):
    with pytest.raises(ConfigError, match="field 'data_dir'.*path in quotes"):
        load_settings(_write(tmp_path, f"data_dir = {value}\n"))
    assert [p.name for p in tmp_path.iterdir()] == ["unioncat.toml"]


def test_a_config_file_saved_with_a_byte_order_mark_loads(tmp_path):
    """Windows Notepad writes UTF-8 with a BOM, which TOML parsers refuse."""
    path = tmp_path / "unioncat.toml"
    path.write_bytes(b"\xef\xbb\xbf" + ('data_dir = "d"\nregion = "Cần Thơ"\n').encode())
    settings = load_settings(path)
    assert settings.region == "Cần Thơ" and settings.data_dir == tmp_path / "d"


@pytest.mark.parametrize("written, origin", [
    ("https://school.example/", "https://school.example"), ("HTTPS://School.Example", "https://school.example"),
    ("https://school.example:443", "https://school.example"), ("http://127.0.0.1:8123/", "http://127.0.0.1:8123"),
    ("http://[::1]:8080", "http://[::1]:8080"), ("*", "*"),
    # A Unicode domain as browsers send it: its IDNA (punycode) form.
    ("https://Thưviện.vn/", "https://" + "thưviện.vn".encode("idna").decode()),
])
def test_cors_origins_are_kept_as_browsers_send_them(tmp_path, written, origin):
    """CORS compares the Origin header as a string: `https://school.example/` never matched one."""
    settings = load_settings(_write(tmp_path, f'data_dir = "d"\n[api]\ncors_origins = ["{written}"]\n'))
    assert settings.api.cors_origins == (origin,)


@pytest.mark.parametrize("written", ["school.example", "https://school.example/widget", "ftp://school.example",
                                     "https://school.example/?a=1", "https://", "https://school.example:99999",
                                     "https://-thưviện.vn"])
def test_a_cors_origin_that_is_not_an_origin_is_a_config_error_naming_it(tmp_path, written):
    with pytest.raises(ConfigError, match="api.cors_origins") as info:
        load_settings(_write(tmp_path, f'data_dir = "d"\n[api]\ncors_origins = ["{written}"]\n'))
    assert repr(written) in str(info.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/oai?verb=Identify",
                                 "http://127.0.0.1:9/oai?verb=ListRecords&metadataPrefix=marc21",
                                 # "Identify" cut off the pasted link: the harvester's own verb came second.
                                 "http://127.0.0.1:9/oai?verb=", "http://127.0.0.1:9/oai?set=a&verb"])
def test_an_oai_url_copied_with_its_verb_is_a_config_error_asking_for_the_base_url(tmp_path, url):
    """A librarian pastes the Identify link a vendor sent: every harvest then failed with the
    server's 'badArgument: repeated argument verb', far from the registry line to fix."""
    path = _write(tmp_path, 'data_dir = "d"\n' + LIBRARY.replace("http://127.0.0.1:9/oai", url))
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    message = str(info.value)
    assert "'tv-tinh'" in message and "'url'" in message and "http://127.0.0.1:9/oai" in message
    assert "base URL" in message


def test_an_upper_case_url_scheme_is_accepted_as_the_scheme_it_is(tmp_path):
    """'HTTP://…' (schemes are case-insensitive, RFC 3986 3.1) was refused with 'only http(s)
    URLs or file paths are supported', which the librarian who typed http read as nonsense."""
    path = _write(tmp_path, 'data_dir = "d"\n' + LIBRARY.replace("http://127.0.0.1:9/oai", "HTTP://127.0.0.1:9/oai"))
    assert load_settings(path).library("tv-tinh").url == "http://127.0.0.1:9/oai"


def test_a_default_page_size_larger_than_the_largest_accepted_is_refused_naming_both(tmp_path):
    """Accepted, it made every search without size= a 400 for a size the reader never sent (review r4)."""
    path = _write(tmp_path, 'data_dir = "d"\n[api]\ndefault_page_size = 50\nmax_page_size = 30\n')
    with pytest.raises(ConfigError, match=r"default_page_size 50 .*max_page_size 30") as info:
        load_settings(path)
    assert str(path) in str(info.value)
    # As large as the largest is fine.
    path = _write(tmp_path, 'data_dir = "d"\n[api]\ndefault_page_size = 30\nmax_page_size = 30\n')
    assert load_settings(path).api.default_page_size == 30
