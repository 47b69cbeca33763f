"""A small ISO Schematron → XSLT 3.0 compiler for the Peppol BIS Billing 3.0 rule files.

Why our own: the usual compilers (SchXslt, the ISO skeleton) are not on PyPI, and the two official
rule files use only a small, fixed part of ISO Schematron with ``queryBinding="xslt2"``: ``ns``,
``let`` (schema, pattern and rule level), ``pattern``/``rule``/``assert``/``report`` and foreign
``xsl:function`` declarations. Anything else fails loudly instead of being skipped silently.

Semantics kept from ISO Schematron (ISO/IEC 19757-3, clause 6.5): every pattern visits all nodes
of the document (elements and attributes); within one pattern a node fires only the first rule
(in document order) whose context matches it. Each pattern becomes one XSLT mode whose rules are
templates with descending priorities; unmatched nodes are walked through by ``shallow-skip``.
Schema- and pattern-level ``let``s become global variables evaluated on the document, as the ISO
skeleton does. The stylesheet emits one ``<failed>`` element per failed assert or fired report.
"""

from __future__ import annotations

from lxml import etree

SCH = "http://purl.oclc.org/dsdl/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"
RESULT = "urn:elkund:test:schematron-result"

_NS = {"sch": SCH}


class UnsupportedSchematron(Exception):
    """The rule file uses a Schematron feature this compiler does not implement."""


def compile_schematron(schema_xml: bytes) -> bytes:
    """Compile an ISO Schematron schema (queryBinding xslt2/xslt3) to an XSLT 3.0 stylesheet."""
    schema = etree.fromstring(schema_xml)
    binding = schema.get("queryBinding", "xslt")
    if binding not in ("xslt2", "xslt3"):
        raise UnsupportedSchematron(f"queryBinding {binding!r}")
    namespaces = {ns.get("prefix", ""): ns.get("uri", "") for ns in schema.iterfind("sch:ns", _NS)}
    stylesheet = etree.Element(
        f"{{{XSL}}}stylesheet",
        nsmap={"xsl": XSL, "r": RESULT, **namespaces},
        attrib={"version": "3.0", "exclude-result-prefixes": " ".join(namespaces)},
    )
    patterns = [child for child in schema if _is(child, "pattern")]
    for child in schema:
        _top_level(stylesheet, child)
    for index, pattern in enumerate(patterns):
        _pattern(stylesheet, pattern, f"p{index}")
    _root_template(stylesheet, len(patterns))
    return etree.tostring(stylesheet, xml_declaration=True, encoding="UTF-8")


def _is(element: etree._Element, name: str) -> bool:
    return element.tag == f"{{{SCH}}}{name}"


def _top_level(stylesheet: etree._Element, child: etree._Element) -> None:
    if not isinstance(child.tag, str):
        return  # comments, processing instructions
    if child.tag.startswith(f"{{{XSL}}}"):
        stylesheet.append(_copy(child))  # xsl:function and friends, used by the asserts
    elif _is(child, "let"):
        _variable(stylesheet, child)
    elif _is(child, "pattern"):
        if child.get("abstract") == "true" or child.get("is-a") is not None:
            raise UnsupportedSchematron("abstract patterns")
        for let in child.iterfind("sch:let", _NS):
            _variable(stylesheet, let)
    elif not any(_is(child, name) for name in ("ns", "title", "phase", "p")):
        raise UnsupportedSchematron(child.tag)


def _copy(element: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(element))


def _variable(parent: etree._Element, let: etree._Element) -> None:
    if let.get("value") is None:
        raise UnsupportedSchematron("let without value")
    etree.SubElement(
        parent, f"{{{XSL}}}variable", name=let.get("name", ""), select=let.get("value", "")
    )


def _pattern(stylesheet: etree._Element, pattern: etree._Element, mode: str) -> None:
    etree.SubElement(stylesheet, f"{{{XSL}}}mode", {"name": mode, "on-no-match": "shallow-skip"})
    rules = pattern.findall("sch:rule", _NS)
    for index, rule in enumerate(rules):
        if rule.get("abstract") == "true" or rule.find("sch:extends", _NS) is not None:
            raise UnsupportedSchematron("abstract rules")
        template = etree.SubElement(
            stylesheet,
            f"{{{XSL}}}template",
            match=rule.get("context", ""),
            mode=mode,
            priority=str(len(rules) - index),
        )
        for child in rule:
            _rule_child(template, child)
        etree.SubElement(template, f"{{{XSL}}}apply-templates", select="@*|node()", mode=mode)


def _rule_child(template: etree._Element, child: etree._Element) -> None:
    if not isinstance(child.tag, str):
        return
    if _is(child, "let"):
        _variable(template, child)
    elif _is(child, "assert"):
        _check(template, child, f"not({child.get('test')})")
    elif _is(child, "report"):
        _check(template, child, child.get("test", ""))
    else:
        raise UnsupportedSchematron(child.tag)


def _check(template: etree._Element, check: etree._Element, fires: str) -> None:
    when = etree.SubElement(template, f"{{{XSL}}}if", test=fires)
    failed = etree.SubElement(when, f"{{{RESULT}}}failed")
    failed.set("id", check.get("id", ""))
    failed.set("flag", check.get("flag", "error"))
    etree.SubElement(failed, f"{{{XSL}}}attribute", name="location", select="path(.)")
    _message(failed, check)


def _message(target: etree._Element, check: etree._Element) -> None:
    if check.text:
        etree.SubElement(target, f"{{{XSL}}}text").text = check.text
    for part in check:
        if _is(part, "value-of"):
            etree.SubElement(target, f"{{{XSL}}}value-of", select=part.get("select", ""))
        elif _is(part, "name"):
            path = part.get("path", ".")
            etree.SubElement(target, f"{{{XSL}}}value-of", select=f"name({path})")
        elif isinstance(part.tag, str):
            raise UnsupportedSchematron(f"{part.tag} in an assert")
        if part.tail:
            etree.SubElement(target, f"{{{XSL}}}text").text = part.tail


def _root_template(stylesheet: etree._Element, patterns: int) -> None:
    template = etree.SubElement(stylesheet, f"{{{XSL}}}template", match="/")
    result = etree.SubElement(template, f"{{{RESULT}}}result")
    for index in range(patterns):
        etree.SubElement(result, f"{{{XSL}}}apply-templates", select=".", mode=f"p{index}")
