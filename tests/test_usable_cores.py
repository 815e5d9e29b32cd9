"""Workers and indexing threads follow the cores a process may use, not the machine's count."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from store.workers import cgroup_quota_cores
from tests.e2e_helpers import REPO_ROOT

ASK = "from store.workers import default_workers, usable_cores; print(usable_cores(), default_workers())"


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2
                    or shutil.which("taskset") is None, reason="needs two cores and taskset")
def test_a_command_confined_to_one_core_starts_no_worker():
    """`taskset -c N unioncat update`: an operator keeps the night's run off the server's other core."""
    core = min(os.sched_getaffinity(0))
    confined = subprocess.run(["taskset", "-c", str(core), sys.executable, "-c", ASK], cwd=REPO_ROOT,
                              capture_output=True, text=True, check=True)
    free = subprocess.run([sys.executable, "-c", ASK], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert confined.stdout.split() == ["1", "1"]
    assert free.stdout.split() == [str(len(os.sched_getaffinity(0))), "2"]


def _cgroup(tmp_path: Path, membership: str, files: dict[str, str]) -> int | None:
    root = tmp_path / "cgroup"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="ascii")
    (tmp_path / "membership").write_text(membership, encoding="ascii")
    return cgroup_quota_cores(root, tmp_path / "membership")


def test_a_cgroup_v2_quota_rounds_up_to_whole_cores(tmp_path):
    # `docker run --cpus 1.5`: the container's cgroup, its own root inside, says 150000 of each 100000 µs.
    assert _cgroup(tmp_path, "0::/\n", {"cpu.max": "150000 100000\n"}) == 2
    assert _cgroup(tmp_path, "0::/\n", {"cpu.max": "max 100000\n"}) is None


def test_the_smallest_quota_of_the_cgroup_and_its_ancestors_counts(tmp_path):
    files = {"system.slice/cpu.max": "100000 100000\n",
             "system.slice/unioncat.service/cpu.max": "max 100000\n"}
    assert _cgroup(tmp_path, "0::/system.slice/unioncat.service\n", files) == 1


def test_a_cgroup_v1_quota_is_read_from_the_cpu_hierarchy(tmp_path):
    membership = "9:name=systemd:/\n4:memory:/job\n2:cpu,cpuacct:/job\n"
    files = {"cpu,cpuacct/job/cpu.cfs_quota_us": "100000\n", "cpu,cpuacct/job/cpu.cfs_period_us": "100000\n",
             "cpu,cpuacct/cpu.cfs_quota_us": "-1\n", "cpu,cpuacct/cpu.cfs_period_us": "100000\n"}
    assert _cgroup(tmp_path, membership, files) == 1
    files["cpu,cpuacct/job/cpu.cfs_quota_us"] = "-1\n"
    assert _cgroup(tmp_path / "unlimited", membership, files) is None


def test_no_cgroup_information_means_no_quota(tmp_path):
    assert cgroup_quota_cores(tmp_path, tmp_path / "missing") is None
    assert _cgroup(tmp_path, "0::/\n", {"cpu.max": "garbage\n"}) is None
