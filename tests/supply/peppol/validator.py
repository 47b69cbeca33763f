"""Run the official Peppol BIS Billing 3.0 Schematron rules on a UBL document with Saxon-HE.

The two rule files (CEN EN 16931 and Peppol incl. the Swedish SE-R rules) are compiled to XSLT 3.0
by ``schematron.compile_schematron``; the generated stylesheets are written to a cache directory
keyed by a hash of the rule file and the compiler, and Saxon compiles each once per validator.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import saxonche  # type: ignore[import-not-found]  # a compiled module without stubs
from lxml import etree

from tests.supply.peppol import schematron

# The official artefacts live in shared/ beside the repository (as in CI); override for elsewhere.
PEPPOL_DIR = Path(
    os.environ.get("ELKUND_PEPPOL_DIR", Path(__file__).resolve().parents[4] / "shared" / "peppol")
)
RULE_FILES = ("CEN-EN16931-UBL.sch", "PEPPOL-EN16931-UBL.sch")


def require_peppol_dir() -> None:
    """Skip without the official artefacts, except under CI, where they must be there."""
    if (PEPPOL_DIR / "sch").is_dir():
        return
    message = f"Peppol BIS artefacts not found in {PEPPOL_DIR} (set ELKUND_PEPPOL_DIR)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True, slots=True)
class FailedAssert:
    id: str
    flag: str  # "fatal" or "warning"
    text: str
    location: str


@cache
def _processor() -> saxonche.PySaxonProcessor:
    # One Saxon processor per process: SaxonC does not like being started twice.
    return saxonche.PySaxonProcessor(license=False)


def compiled_stylesheet(rule_file: Path, cache_dir: Path) -> Path:
    """The XSLT for ``rule_file``, compiled once per content of the rules and of the compiler."""
    source = rule_file.read_bytes()
    digest = hashlib.sha256(source + Path(schematron.__file__).read_bytes()).hexdigest()[:16]
    target = cache_dir / f"{rule_file.stem}-{digest}.xsl"
    if not target.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".tmp")
        partial.write_bytes(schematron.compile_schematron(source))
        partial.replace(target)  # atomic: parallel sessions never read half a file
    return target


class PeppolValidator:
    """Validates UBL Invoice/CreditNote documents against both official rule files."""

    def __init__(self, cache_dir: Path, peppol_dir: Path = PEPPOL_DIR) -> None:
        xslt = _processor().new_xslt30_processor()
        self._executables = [
            xslt.compile_stylesheet(
                stylesheet_file=str(compiled_stylesheet(peppol_dir / "sch" / name, cache_dir))
            )
            for name in RULE_FILES
        ]

    def validate(self, document: bytes) -> list[FailedAssert]:
        """Every failed assert of both rule files, fatal and warning alike."""
        node = _processor().parse_xml(xml_text=document.decode("utf-8"))
        failed: list[FailedAssert] = []
        for executable in self._executables:
            executable.set_global_context_item(xdm_item=node)
            output = str(executable.apply_templates_returning_string(xdm_value=node))
            failed.extend(_parse_result(output))
        return failed


@cache
def shared_validator(cache_dir: Path) -> PeppolValidator:
    """One validator per cache directory and process: Saxon compiles the rules once a session."""
    return PeppolValidator(cache_dir)


def _parse_result(output: str) -> list[FailedAssert]:
    root = etree.fromstring(output.encode("utf-8"))
    return [
        FailedAssert(
            id=element.get("id", ""),
            flag=element.get("flag", ""),
            text=" ".join("".join(element.itertext()).split()),
            location=element.get("location", ""),
        )
        for element in root.iter(f"{{{schematron.RESULT}}}failed")
    ]


def fatal_ids(failed: list[FailedAssert]) -> set[str]:
    return {item.id for item in failed if item.flag == "fatal"}
