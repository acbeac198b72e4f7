"""Shared by the workflow tests: the broken fixture, plus the suite-wide helpers."""

from __future__ import annotations

from pathlib import Path

from tests.support import ROOT, SAMPLE, copy_sample, free_port, run_cli  # noqa: F401 - re-exported

BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken" / "content"
