"""The import contracts in pyproject.toml (run by `make lint`) hold for the code, and break
when a lower layer imports a higher one."""

from pathlib import Path

import pytest
from importlinter import configuration
from importlinter.application import use_cases
from importlinter.application.app_config import settings as linter

ROOT = Path(__file__).resolve().parents[1]


def kept(monkeypatch, contract: str, *extra_imports: tuple[str, str]) -> bool:
    """Whether `contract` holds for the code as it is plus `extra_imports` (importer, imported),
    checked as `lint-imports` checks it."""
    configuration.configure()
    builder = linter.GRAPH_BUILDER

    class WithExtraImports:
        def build(self, **kwargs):
            graph = builder.build(**kwargs)
            for importer, imported in extra_imports:
                graph.add_import(
                    importer=importer, imported=imported, line_number=1, line_contents="import"
                )
            return graph

    linter.configure(GRAPH_BUILDER=WithExtraImports())
    monkeypatch.chdir(ROOT)  # the graph is built from the packages importable here
    try:
        return use_cases.lint_imports(
            str(ROOT / "pyproject.toml"),
            limit_to_contracts=(contract,),
            cache_dir=None,
            no_logo=True,
            is_debug_mode=True,
        )
    finally:
        linter.configure(GRAPH_BUILDER=builder)


@pytest.mark.parametrize("contract", ["layers", "project", "inside-apps"])
def test_the_code_keeps_the_contract(monkeypatch, contract):
    assert kept(monkeypatch, contract)


@pytest.mark.parametrize(
    ("importer", "imported", "contract"),
    [
        ("events.models", "sessions.models", "layers"),
        ("sessions.services", "livestream.broadcast", "layers"),
        ("confman.core.auth", "events.services", "layers"),
        ("registrations.models", "confman.urls", "layers"),
        ("confman.core.exceptions", "confman.settings", "project"),
        ("sessions.models", "sessions.services", "inside-apps"),
        ("events.services", "events.api", "inside-apps"),
    ],
)
def test_an_import_against_the_layers_breaks_its_contract(
    monkeypatch, capsys, importer, imported, contract
):
    assert not kept(monkeypatch, contract, (importer, imported))
    assert f"{importer} -> {imported}" in capsys.readouterr().out
