"""pymarc's test-suite MARC files, fetched from PyPI on first use and cached outside the repository.

`public_test_dir()` returns ~/.cache/unioncat-test-data/pymarc-5.4.0/test when it
already holds the files; otherwise it runs `pip download` for pymarc 5.4.0's
source distribution into a temporary directory, checks the archive's SHA-256,
and copies only pymarc-5.4.0/test/*.dat|*.mrc|*.xml into the cache.  The archive
itself (76 MB) is deleted.  Nothing of it is ever written into the repository.
(pip prepares an sdist's metadata with its build backend, so the download also
fetches hatchling into pip's isolated build environment; nothing is installed.)

`require_public_test_dir()` applies the policy of tests/browser_helpers.py: when
the files cannot be had, the tests skip locally and fail under CI (the `CI`
environment variable is set), where PyPI is reachable and silence would hide
the loss of these tests.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

import pytest

PYMARC_VERSION = "5.4.0"
SDIST_NAME = f"pymarc-{PYMARC_VERSION}.tar.gz"
# The archive PyPI served on 2026-11-27; a different one would change the facts the tests check.
SDIST_SHA256 = "b2016b1674d1956636c99b9bf95b31840c5cb8f22645672a660e66326371b2f3"
SDIST_TEST_DIR = PurePosixPath(f"pymarc-{PYMARC_VERSION}/test")
DATA_SUFFIXES = (".dat", ".mrc", ".xml")
MAX_FILE_BYTES = 1 << 20  # the largest wanted file is 49 kB; anything bigger is not pymarc's test data
CACHE_DIR = Path.home() / ".cache" / "unioncat-test-data" / f"pymarc-{PYMARC_VERSION}" / "test"
# Under pytest-timeout's 300 s per test, which includes fixture setup.
DOWNLOAD_TIMEOUT_S = 240
# Files the tests read; the cache counts as filled only when every one is there.
NEEDED_FILES = (
    "1251.dat", "bad_indicator.dat", "bad_marc8_escape.dat", "bad_records.mrc", "bad_subfield_code.dat",
    "bad_tag.xml", "batch.xml", "diacritic.dat", "marc.dat", "marc8.dat", "multi_isbn.dat", "test.dat",
    "utf8.xml", "utf8_errors.dat", "utf8_invalid.mrc", "utf8_with_leader_flag.dat",
    "utf8_without_leader_flag.dat",
)


class PublicDataUnavailable(Exception):
    """Raised when pymarc's test files are neither cached nor obtainable from PyPI; says which step failed."""


def _is_filled(test_dir: Path) -> bool:
    return all((test_dir / name).is_file() for name in NEEDED_FILES)


def download_sdist(dest: Path, timeout_s: float = DOWNLOAD_TIMEOUT_S) -> Path:
    """pymarc's source distribution, downloaded by pip (the registry's ordinary client) into `dest`."""
    command = [sys.executable, "-m", "pip", "download", f"pymarc=={PYMARC_VERSION}", "--no-binary", ":all:",
               "--no-deps", "--disable-pip-version-check", "-d", str(dest)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise PublicDataUnavailable(f"`{' '.join(command[2:])}` took more than {timeout_s:g} s") from exc
    except OSError as exc:
        raise PublicDataUnavailable(f"could not run pip ({exc})") from exc
    if result.returncode != 0:
        tail = " | ".join(result.stderr.strip().splitlines()[-3:])
        raise PublicDataUnavailable(f"`{' '.join(command[2:])}` exited with {result.returncode}: {tail}")
    sdist = dest / SDIST_NAME
    if not sdist.is_file():
        raise PublicDataUnavailable(f"pip reported success but {sdist} is missing")
    return sdist


def check_sha256(sdist: Path) -> None:
    digest = hashlib.sha256()
    with sdist.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    if digest.hexdigest() != SDIST_SHA256:
        raise PublicDataUnavailable(f"{sdist.name} has SHA-256 {digest.hexdigest()}, expected {SDIST_SHA256}: "
                                    "not the archive the expected values were read from")


def wanted_member(member: tarfile.TarInfo) -> bool:
    """A regular file directly in pymarc-5.4.0/test/ whose name ends in .dat, .mrc or .xml."""
    path = PurePosixPath(member.name)
    return (member.isfile() and path.parent == SDIST_TEST_DIR and path.suffix in DATA_SUFFIXES
            and path.name not in ("", ".", "..") and member.size <= MAX_FILE_BYTES)


def extract_test_files(sdist: Path, test_dir: Path) -> None:
    """Copy the wanted members into `test_dir`, all or nothing.

    Each member is written under its bare file name, which `wanted_member` has
    checked, so no path in the archive can place a file anywhere else; links,
    devices and directories are never extracted.
    """
    test_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=test_dir.parent))
    try:
        with tarfile.open(sdist, "r:gz") as archive:
            for member in archive:
                if not wanted_member(member):
                    continue
                source = archive.extractfile(member)
                if source is None:
                    continue
                with source, (staging / PurePosixPath(member.name).name).open("xb") as target:
                    target.write(source.read(MAX_FILE_BYTES + 1))
        if not _is_filled(staging):
            missing = [name for name in NEEDED_FILES if not (staging / name).is_file()]
            raise PublicDataUnavailable(f"{sdist.name} lacks {', '.join(missing)} under {SDIST_TEST_DIR}/")
        if test_dir.exists():
            shutil.rmtree(test_dir)  # an incomplete cache of ours, from an interrupted run
        staging.rename(test_dir)
    except (OSError, tarfile.TarError) as exc:
        raise PublicDataUnavailable(f"could not extract {sdist.name} into {test_dir}: {exc}") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def public_test_dir(cache_dir: Path = CACHE_DIR) -> Path:
    """The cached folder of pymarc's test files, downloading and extracting them first if needed."""
    if _is_filled(cache_dir):
        return cache_dir
    with tempfile.TemporaryDirectory(prefix="unioncat-pymarc-sdist-") as download_dir:
        sdist = download_sdist(Path(download_dir))
        check_sha256(sdist)
        extract_test_files(sdist, cache_dir)
    return cache_dir


def require_public_test_dir() -> Path:
    """public_test_dir(), or skip (locally) / fail (under CI) saying why the files are unavailable."""
    try:
        return public_test_dir()
    except PublicDataUnavailable as exc:
        message = f"pymarc {PYMARC_VERSION}'s test files could not be obtained from PyPI: {exc}"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must reach PyPI, see tests/public_records.py)", pytrace=False)
        pytest.skip(message)
