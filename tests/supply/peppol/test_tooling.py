"""SUP-6: the Schematron tooling itself is proven on the official Peppol examples and the official
Swedish unit test cases, so a pass in ``test_ubl`` means what it says."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.supply.peppol.schematron import UnsupportedSchematron, compile_schematron
from tests.supply.peppol.unit_cases import UnitCase, load_cases
from tests.supply.peppol.validator import (
    PEPPOL_DIR,
    PeppolValidator,
    fatal_ids,
    require_peppol_dir,
    shared_validator,
)

UNIT_SE = sorted((PEPPOL_DIR / "unit-SE").glob("*.xml"))
CASES = [case for path in UNIT_SE for case in load_cases(path)]


@pytest.fixture(scope="session")
def validator(tmp_path_factory: pytest.TempPathFactory) -> PeppolValidator:
    require_peppol_dir()
    return shared_validator(tmp_path_factory.getbasetemp() / "peppol-xslt")


def test_sup6_base_example_passes_without_any_failed_assert(validator: PeppolValidator) -> None:
    """SUP-6 tooling: the official base example passes both rule files, warnings included."""
    assert validator.validate((PEPPOL_DIR / "examples" / "base-example.xml").read_bytes()) == []


@pytest.mark.parametrize(
    "name", ["Allowance-example.xml", "Vat-category-S.xml", "base-creditnote-correction.xml"]
)
def test_sup6_official_examples_have_no_fatal_assert(validator: PeppolValidator, name: str) -> None:
    """SUP-6 tooling: the other official examples (incl. a credit note) have no fatal assert."""
    assert fatal_ids(validator.validate((PEPPOL_DIR / "examples" / name).read_bytes())) == set()


def test_sup6_unit_cases_cover_every_swedish_rule() -> None:
    """SUP-6 tooling: all SE-R rules have an expected failure among the loaded cases."""
    require_peppol_dir()
    expected = {rule for case in CASES for rule in case.fails}
    assert expected == {f"SE-R-{n:03d}" for n in range(1, 14)}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_sup6_swedish_unit_case_fails_exactly_the_listed_asserts(
    validator: PeppolValidator, case: UnitCase
) -> None:
    """SUP-6 tooling: each official SE case fails exactly the rules it lists, with their flags.

    As in the official harness, only the rules a case names are judged: the cases are partial
    invoices that break other rules on purpose or by age (e.g. SE-R-013 came after them).
    """
    named = case.succeeds | set(case.fails)
    failed = {
        (item.id, item.flag) for item in validator.validate(case.document) if item.id in named
    }
    assert failed == set(case.fails.items())


def _schema(body: str) -> bytes:
    return f"""<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">
      <ns prefix="x" uri="urn:x"/>
      <let name="limit" value="2"/>
      {body}
    </schema>""".encode()


def _ids(tmp_path: Path, schema: bytes, document: str) -> list[str]:
    """Validate with a throw-away schema in place of the official rule files."""
    (tmp_path / "sch").mkdir()
    for name in ("CEN-EN16931-UBL.sch", "PEPPOL-EN16931-UBL.sch"):
        (tmp_path / "sch" / name).write_bytes(schema)
    validator = PeppolValidator(tmp_path / "cache", peppol_dir=tmp_path)
    failed = validator.validate(document.encode())
    return [item.id for item in failed[: len(failed) // 2]]  # each file ran once


def test_sup6_compiler_fires_only_the_first_matching_rule_of_a_pattern(tmp_path: Path) -> None:
    """SUP-6 tooling: ISO semantics: first rule wins in a pattern; every pattern sees all nodes."""
    schema = _schema("""
      <pattern>
        <rule context="x:item[@n]"><assert id="first" test="false()">a</assert></rule>
        <rule context="x:item"><assert id="second" test="false()">b</assert></rule>
      </pattern>
      <pattern>
        <rule context="x:item/@n">
          <let name="n" value="number(.)"/>
          <assert id="too-big" flag="warning" test="$n &lt;= $limit">n is <value-of select="."/>
          </assert>
        </rule>
      </pattern>""")
    document = '<x:list xmlns:x="urn:x"><x:item n="1"/><x:item/><x:item n="3"/></x:list>'
    assert _ids(tmp_path, schema, document) == ["first", "second", "first", "too-big"]


def test_sup6_compiler_refuses_what_it_does_not_implement() -> None:
    """SUP-6 tooling: unknown Schematron features fail loudly instead of being skipped."""
    with pytest.raises(UnsupportedSchematron):
        compile_schematron(_schema('<pattern abstract="true" id="a"/>'))
    with pytest.raises(UnsupportedSchematron):
        compile_schematron(_schema("<include href='other.sch'/>"))
    with pytest.raises(UnsupportedSchematron):
        compile_schematron(b'<schema xmlns="http://purl.oclc.org/dsdl/schematron"/>')
