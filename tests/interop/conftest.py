"""Shared fixtures for the interop tests: where the floe binary and the test data are."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TESTDATA = pathlib.Path(os.environ.get("FLOE_TESTDATA", ROOT.parent / "shared" / "testdata"))


def floe_binary() -> str:
    # Absolute, so that tests running floe in another working folder find it too.
    path = os.path.abspath(os.environ.get("FLOE_BIN", str(ROOT / "build" / "release" / "floe")))
    if not os.path.exists(path):
        raise RuntimeError(f"floe binary not found at {path}; build it or set FLOE_BIN")
    return path


@pytest.fixture(scope="session")
def floe():
    return floe_binary()


@pytest.fixture(scope="session")
def testdata():
    return TESTDATA


def run_floe(*args, check=True, timeout=300):
    """Runs floe; returns the CompletedProcess (text mode)."""
    proc = subprocess.run([floe_binary(), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"floe {' '.join(map(str, args))} failed ({proc.returncode}):\n"
                             f"{proc.stderr}")
    return proc
