"""Build step: every build carries the compiled translations.

Only the ``.po`` catalogues live in git.  Without this step a wheel or
``pip install .`` would ship no ``.mo`` files and every page would be English
under ``<html lang="fi">``.  A regular build writes the ``.mo`` files into the
build directory; an editable install (``pip install -e .``) writes them beside
their ``.po`` files, where the running code looks for them.

The rest of the package's description is in ``pyproject.toml``.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGUE_GLOB = "booking/translations/*/LC_MESSAGES/*.po"


class CatalogueError(Exception):
    """A catalogue that would compile into wrong or missing translations."""


def compile_catalogue(po_path: Path, mo_path: Path) -> None:
    """Compile one catalogue; fuzzy entries stay out (they fall back to English)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    locale = po_path.parent.parent.name
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    # A catalogue fresh from `pybabel init` is marked fuzzy as a whole; pybabel
    # compile would skip it silently and leave that language English.
    if catalog.fuzzy:
        raise CatalogueError(f"{po_path}: the header is marked fuzzy; remove the flag")
    problems = [
        f"{po_path}:{message.lineno}: {error}"
        for message, errors in catalog.check()
        for error in errors
    ]
    if problems:
        raise CatalogueError("\n".join(problems))
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    with mo_path.open("wb") as mo_file:
        write_mo(mo_file, catalog, use_fuzzy=False)


class BuildWithCatalogues(build_py):
    """``build_py`` that also compiles the gettext catalogues."""

    def run(self) -> None:
        super().run()
        for po_path, mo_path in self._catalogues().items():
            compile_catalogue(po_path, mo_path)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = super().get_outputs(include_bytecode)
        if self.editable_mode:
            return outputs
        return outputs + [str(mo_path) for mo_path in self._catalogues().values()]

    def _catalogues(self) -> dict[Path, Path]:
        """Each ``.po`` source and where its ``.mo`` goes."""
        root = Path(__file__).resolve().parent
        target = root if self.editable_mode else Path(self.build_lib)
        return {
            po_path: target / po_path.relative_to(root).with_suffix(".mo")
            for po_path in sorted(root.glob(CATALOGUE_GLOB))
        }


setup(cmdclass={"build_py": BuildWithCatalogues})
