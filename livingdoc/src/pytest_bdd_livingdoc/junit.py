"""JUnit XML that CI test tabs can read: scenarios named after their feature and scenario.

pytest's `--junitxml` names a case after the test function (`test_buying_a_lamp[...]`) and its
class after the test module. After pytest has written the file, the plugin renames the cases of
the scenarios that ran: the class is the feature file (`features/shop.feature`), the name
"Feature: Scenario" with "[header=value, ...]" for an outline row. Every other case stays as
pytest wrote it. Errors outside the scenarios that pytest does not record there itself (a
start-up or internal error, an unbound feature file) are added as cases in error.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from _pytest.junitxml import mangle_test_address

from pytest_bdd_livingdoc import errors as error_kinds
from pytest_bdd_livingdoc.model import Case, Document, RunError

ERROR_CLASS = "livingdoc"


def case_name(case: Case) -> str:
    name = f"{case.feature.name or case.feature.path}: {case.scenario.name}"
    if case.examples is not None and case.row is not None:
        values = ", ".join(
            f"{header}={value}"
            for header, value in zip(case.examples.header, case.row.values, strict=True)
        )
        name += f" [{values}]"
    return name


def rename_cases(path: Path, document: Document, prefix: str | None) -> None:
    tree = ET.parse(path)
    cases = {case.key: case for case in document.cases()}
    names: dict[tuple[str, str], Case] = {}
    for nodeid, key in document.meta.nodeids.items():
        case = cases.get(key)
        if case is not None:
            names[_address(nodeid, prefix)] = case
    for element in tree.iter("testcase"):
        case = names.get((element.get("classname", ""), element.get("name", "")))
        if case is not None:
            element.set("classname", case.feature.path)
            element.set("name", case_name(case))
    _add_errors(tree.getroot(), [e for e in document.meta.errors if _unrecorded(e)])
    tree.write(path, encoding="utf-8", xml_declaration=True)


def write_errors_only(path: Path, errors: list[RunError]) -> None:
    root = ET.Element("testsuites", name="pytest tests")
    ET.SubElement(
        root, "testsuite", name="pytest", errors="0", failures="0", skipped="0", tests="0"
    )
    _add_errors(root, errors)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def _unrecorded(error: RunError) -> bool:
    return error.kind != error_kinds.COLLECTION  # pytest records collection errors itself


def _add_errors(root: ET.Element, errors: list[RunError]) -> None:
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    if suite is None or not errors:
        return
    for error in errors:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=ERROR_CLASS,
            name=f"{error.kind}: {error.location or 'the run'}",
        )
        detail = ET.SubElement(
            case, "error", message=error.message.splitlines()[0] if error.message else error.kind
        )
        detail.text = error.message
    for attribute in ("errors", "tests"):
        suite.set(attribute, str(int(suite.get(attribute, "0")) + len(errors)))


def _address(nodeid: str, prefix: str | None) -> tuple[str, str]:
    """(classname, name) as pytest's junitxml writes them for `nodeid`."""
    names = mangle_test_address(nodeid)
    classnames = names[:-1]
    if prefix:
        classnames.insert(0, prefix)
    return ".".join(classnames), names[-1]
