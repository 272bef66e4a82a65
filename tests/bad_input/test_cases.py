"""Each bad note on its own, through the command line: the rule, file and line expected."""

from __future__ import annotations

import pytest

from ..conftest import VaultFactory
from .cases import BASE, CASES, Case
from .helpers import assert_case, assert_positions, check_json


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(make_vault: VaultFactory, case: Case) -> None:
    root = make_vault({**BASE, **case.files})
    code, diagnostics = check_json(root)
    assert diagnostics
    assert code == (1 if any(d["severity"] == "error" for d in diagnostics) else 0)
    assert_case(case, diagnostics)
    assert_positions(root, diagnostics)
    assert all(d["path"] in case.files for d in diagnostics), "the base notes are clean"
