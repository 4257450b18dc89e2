"""The `configurator` command line: check and schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from catalog.loader import load_product
from catalog.schema_export import schema_text
from configurator.cli import app
from configurator.persistence.db import DemandRequest, Quote, Signal, make_engine, migrate
from rules.engine import engine_for
from tests.conftest import BUNDLED

runner = CliRunner()
BAD = Path(__file__).parent.parent / "catalog" / "bad"


def test_check_passes_on_the_bundled_catalog() -> None:
    result = runner.invoke(app, ["check", str(BUNDLED)])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.stderr


def test_check_fails_with_positions() -> None:
    result = runner.invoke(app, ["check", str(BAD / "unknown-key.yaml")])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{BAD / 'unknown-key.yaml'}:7:5: unknown key 'lable' (did you mean 'label'?)"
    ]


def test_check_json_report() -> None:
    result = runner.invoke(app, ["check", "--json", str(BAD / "duplicate-rule.yaml"), str(BUNDLED / "city-bike.yaml")])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["products"] == ["city-bike"]
    assert report["errors"] == [
        {"file": str(BAD / "duplicate-rule.yaml"), "line": 13, "col": 10, "message": "duplicate rule id 'r1'"}
    ]


def test_check_with_no_files_fails(tmp_path: Path) -> None:
    assert runner.invoke(app, ["check", str(tmp_path)]).exit_code == 1


def test_schema_command_writes_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    assert runner.invoke(app, ["schema", "--out", str(out)]).exit_code == 0
    assert out.read_text() == schema_text()


def test_explore_json_contract() -> None:
    result = runner.invoke(
        app,
        ["explore", str(BUNDLED), "city-bike", "--select", "belt_drive=true", "--select", "accessories=rack", "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["consistent"], report["complete"]) == (True, False)
    assert report["domains"]["gears"] == ["hub8", "hub11"]
    assert report["domains"]["belt_drive"] == [True]
    assert report["domains"]["rider_height"][:2] == [150, 155]
    assert report["domains"]["accessories"] == ["rack"]
    assert report["excludable"]["accessories"] == ["fenders", "dynamo", "basket", "child_seat"]
    assert report["ranges"]["rider_height"] == {"min": 150, "max": 200, "step": 5}


def test_explore_reports_violations() -> None:
    result = runner.invoke(
        app, ["explore", str(BUNDLED), "city-bike", "--select", "belt_drive=true", "--select", "gears=single", "--json"]
    )
    report = json.loads(result.stdout)
    assert report["consistent"] is False
    assert [v["rule"] for v in report["violations"]] == ["belt-needs-hub"]


def test_count_prints_the_integer() -> None:
    whole = runner.invoke(app, ["count", str(BUNDLED), "city-bike"])
    belt = runner.invoke(app, ["count", str(BUNDLED), "city-bike", "--select", "belt_drive=true"])
    assert whole.exit_code == 0 and belt.exit_code == 0
    assert 0 < int(belt.stdout) < int(whole.stdout)


def test_explain_words_the_reason() -> None:
    result = runner.invoke(
        app,
        [
            "explain",
            str(BUNDLED),
            "city-bike",
            "--option",
            "material",
            "--value",
            "aluminium",
            "--select",
            "belt_drive=true",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "rule belt-frame: Belt drives need a steel frame with a split dropout." in result.stdout
    assert "To allow it, drop: belt_drive" in result.stdout


def test_unknown_product_fails_cleanly() -> None:
    result = runner.invoke(app, ["count", str(BUNDLED), "no-such-product"])
    assert result.exit_code == 1
    assert "no valid product 'no-such-product'" in result.stderr


def test_bench_prints_the_contract_keys() -> None:
    result = runner.invoke(app, ["bench", str(BUNDLED), "city-bike", "--sessions", "1", "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    keys = {"compile_s", "step_ms_p50", "step_ms_p99", "step_ms_max", "peak_mb", "baseline_step_ms_p50", "speedup"}
    assert keys <= set(report)
    assert report["steps"] >= 7 and report["completed_sessions"] == 1 and report["valid"] is True


def test_import_clib_xcsp_and_uvl(tmp_path: Path) -> None:
    clib = tmp_path / "tiny"
    (clib / "rules").mkdir(parents=True)
    (clib / "domains.txt").write_text("A = [ x, y ]\nB = [ p, q, r ]\n")
    (clib / "rules" / "t1.pm").write_text("or(\nA = x  and B = p\nA = y  and B = q\nor)\n")
    xcsp = tmp_path / "tiny.xml"
    xcsp.write_text(
        '<instance><domains><domain name="D" nbValues="2">0..1</domain></domains>'
        '<variables><variable name="u" domain="D"/><variable name="w" domain="D"/></variables>'
        '<relations><relation name="r" arity="2" nbTuples="1" semantics="conflicts">0 0</relation></relations>'
        '<constraints><constraint name="c" arity="2" scope="u w" reference="r"/></constraints></instance>'
    )
    uvl = tmp_path / "tiny.uvl"
    uvl.write_text(
        'features\n    Car\n        alternative\n            Petrol\n            "E V"\n'
        'constraints\n    Petrol => !"E V"\n'
    )
    out = tmp_path / "out"
    expected_counts = {"clib": (clib, "2"), "xcsp": (xcsp, "3"), "uvl": (uvl, "2")}
    for kind, (source, solutions) in expected_counts.items():
        result = runner.invoke(app, ["import", kind, str(source), "--out", str(out), "--id", f"t-{kind}"])
        assert result.exit_code == 0, result.output
        assert runner.invoke(app, ["check", result.stdout.strip()]).exit_code == 0
        assert runner.invoke(app, ["count", str(out), f"t-{kind}"]).stdout.strip() == solutions


def test_import_errors_are_clean(tmp_path: Path) -> None:
    bad = tmp_path / "bad.uvl"
    bad.write_text("features\n    Car\n        mandatory\n            Real Length\n")
    result = runner.invoke(app, ["import", "uvl", str(bad), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{bad}:4: Real features are not supported" in result.stderr


def _companions(path: Path) -> None:
    """Copy the bundled product's companion files (its words in other languages) beside its copy at `path`."""
    for companion in BUNDLED.glob(f"{path.stem}.*.yaml"):
        (path.parent / companion.name).write_text(companion.read_text())


def test_check_warns_where_an_explicit_face_contradicts_the_facts(tmp_path: Path) -> None:
    text = (BUNDLED / "lighting-kit.yaml").read_text()
    text = text.replace("customization: {timing: use}\n      - id: scene_evening",
                        "customization: {timing: use, face: cosmetic}\n      - id: scene_evening", 1)
    text = text.replace("face_reason:", "face: transparent\nface_reason:", 1)
    path = tmp_path / "lighting-kit.yaml"
    path.write_text(text)
    _companions(path)
    lines = text.splitlines()
    option_line = next(i for i, line in enumerate(lines, 1) if "face: cosmetic" in line)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output  # a warning: the product stays on sale
    assert result.stdout.splitlines() == [  # in file order
        f"{path}:{lines.index('face: transparent') + 1}:7: the product is set as transparent, but its options say "
        "cosmetic (warning)",
        f"{path}:{option_line}:{lines[option_line - 1].index('cosmetic') + 1}: option 'scene_wake' is set as "
        "cosmetic, but its facts say adaptive (warning)",
    ]
    assert json.loads(runner.invoke(app, ["check", "--json", str(path)]).stdout)["warnings"][1]["line"] == option_line


def test_classify_prints_what_the_api_says(keyed_shop: tuple[Any, str]) -> None:
    client, _ = keyed_shop
    result = runner.invoke(app, ["classify", str(BUNDLED), "eyeglasses", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == client.get("/api/v1/products/eyeglasses/classification").json()
    every = json.loads(runner.invoke(app, ["classify", str(BUNDLED), "--json"]).stdout)
    assert {item["product"] for item in every} == {p["id"] for p in client.get("/api/v1/products").json()}
    text = runner.invoke(app, ["classify", str(BUNDLED), "coffee-gift-box"]).stdout
    assert text.startswith("coffee-gift-box: cosmetic (most options: cosmetic)")


def test_check_warns_of_a_setting_in_use_with_a_price(tmp_path: Path) -> None:
    text = (BUNDLED / "lighting-kit.yaml").read_text().replace(
        "label: Away-from-home presence simulation", "label: Away-from-home presence simulation\n        price: '5.00'"
    )
    path = tmp_path / "lighting-kit.yaml"
    path.write_text(text)
    _companions(path)
    line = text.splitlines().index("      - id: away_mode") + 1
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{path}:{line}:9: option 'away_mode' is adjusted in use but has a price: settings in use never change it"
        " (warning)"
    ]


def test_check_warns_of_a_presentation_option_the_preview_leaves_out(tmp_path: Path) -> None:
    text = (BUNDLED / "eyeglasses.yaml").read_text()
    kept = "\n".join(line for line in text.splitlines() if "text_from: case" not in line) + "\n"
    path = tmp_path / "eyeglasses.yaml"
    path.write_text(kept)
    _companions(path)
    line = kept.splitlines().index("      - id: case") + 1
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{path}:{line}:9: option 'case' changes only the presentation, but the preview does not show it (warning)"
    ]


def test_lint_names_file_line_and_rule_and_fails_on_errors(tmp_path: Path) -> None:
    text = (BUNDLED / "lighting-kit.yaml").read_text().replace("- {min: 3, max: 10,", "- {min: 4, max: 10,")
    path = tmp_path / "lighting-kit.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["lint", "--json", str(path)])
    assert result.exit_code == 1  # a tier gap is an error
    findings = json.loads(result.stdout)
    line = text.splitlines().index("  - id: extra-bulbs") + 1
    assert findings == [{
        "kind": "price_anomaly", "product": "lighting-kit", "option": None, "value": None, "rule": "extra-bulbs",
        "step": None, "file": str(path), "line": line, "error": True,
        "message": "tiers of extra-bulbs leave 3 units without a tier",
    }]
    clean = runner.invoke(app, ["lint", str(BUNDLED / "city-bike.yaml")])  # its companion files come with it
    assert clean.exit_code == 0 and clean.stdout.splitlines() == [
        f"{BUNDLED / 'city-bike.yaml'}:9:12: info: translation_coverage: {language}: 55 of 55 words translated (100 %)"
        for language in ("German (de)", "French (fr)")
    ]


def test_diff_names_the_changes_and_counts_what_became_invalid(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    text = (BUNDLED / "city-bike.yaml").read_text()
    (old / "city-bike.yaml").write_text(text)
    tightened = text.replace("""then: 'gears in ["hub8", "hub11"]'""", """then: 'gears == "hub8"'""")
    (new / "city-bike.yaml").write_text(tightened.replace('base_price: "690.00"', 'base_price: "700.00"'))
    (new / "lighting-kit.yaml").write_text((BUNDLED / "lighting-kit.yaml").read_text())
    result = runner.invoke(app, ["diff", str(old), str(new), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["products_added"] == ["lighting-kit"] and report["products_removed"] == []
    [bike] = report["products"]
    assert bike["rules_changed"] == ["belt-needs-hub"] and bike["prices_changed"] == ["base_price"]
    # Exactly the old configurations with a belt on the 11-speed hub: the engine counts them with those two fixed.
    loaded = load_product(old / "city-bike.yaml")
    lost = engine_for(loaded.product, loaded.content_hash).count({"belt_drive": True, "gears": "hub11"})
    assert bike["became_invalid"] == lost > 0 and bike["became_valid"] == 0
    assert all(e["belt_drive"] is True and e["gears"] == "hub11" for e in bike["invalid_examples"])


@pytest.mark.parametrize(("then", "attempts_met", "asks_met", "ruled_out"), [
    ('gears in ["single", "hub8", "hub11"]', 2, 1, 0),  # relaxed: a belt with a single speed too
    ('gears == "hub8"', 0, 0, 1),  # tightened: the belt on the 11-speed hub quoted is ruled out
])
def test_diff_with_demand_says_what_a_change_would_meet_and_rule_out(
    tmp_path: Path, then: str, attempts_met: int, asks_met: int, ruled_out: int
) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    text = (BUNDLED / "city-bike.yaml").read_text()
    (old / "city-bike.yaml").write_text(text)
    (new / "city-bike.yaml").write_text(text.replace("""then: 'gears in ["hub8", "hub11"]'""", f"then: '{then}'"))
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    database = make_engine(url)
    migrate(database)
    belt = {"belt_drive": True}
    with Session(database) as db:
        for session, value in (("a", "single"), ("b", "single"), ("c", "derailleur")):
            db.add(Signal(product_id="city-bike", catalog_version="v0", session=session, kind="blocked",
                          option="gears", value=value, selection=json.dumps(belt)))
        db.add(DemandRequest(product_id="city-bike", catalog_version="v0", option="gears", value="single",
                             selection=json.dumps(belt)))
        db.add(Quote(product_id="city-bike", catalog_version="v0", selections={**belt, "gears": "hub11"},
                     quantity=1, currency="EUR", total="1", breakdown={}, expires_at=datetime.now(UTC)))
        db.commit()
    database.dispose()
    result = runner.invoke(app, ["diff", str(old), str(new), "--demand", "--database", url])
    assert result.exit_code == 0, result.output
    assert f"demand it would meet: {attempts_met} of 3 values found blocked, {asks_met} of 1 requests" in result.stdout
    assert f"quotes it would rule out: {ruled_out} of 1" in result.stdout
    as_json = json.loads(runner.invoke(app, ["diff", str(old), str(new), "--demand", "--database", url,
                                             "--json"]).stdout)
    assert as_json["products"][0]["demand"]["attempts_met"] == attempts_met


@pytest.mark.parametrize(("sessions", "ordered", "flagged"), [
    (10, 0, True),  # ten shoppers stopped, none went on to an order
    (10, 1, False),  # one of them went on to complete: the rule does not only turn shoppers away
    (9, 0, False),  # too few to say
])
def test_lint_with_demand_flags_a_rule_that_blocks_much_and_never_an_order(
    tmp_path: Path, sessions: int, ordered: int, flagged: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    database = make_engine(url)
    migrate(database)
    with Session(database) as db:
        for i in range(sessions):
            db.add(Signal(product_id="city-bike", catalog_version="v0", session=f"s{i}", kind="blocked",
                          option="gears", value="single", rules="belt-needs-hub", selection='{"belt_drive": true}'))
        for i in range(ordered):
            db.add(Signal(product_id="city-bike", catalog_version="v0", session=f"s{i}", kind="quoted"))
        db.commit()
    database.dispose()
    result = runner.invoke(app, ["lint", str(BUNDLED / "city-bike.yaml"), "--demand", "--database", url])
    line = next((x for x in result.stdout.splitlines() if "blocks_demand" in x), None)
    assert (line is not None) == flagged, result.stdout
    if line is not None:
        position = load_product(BUNDLED / "city-bike.yaml").positions["belt-needs-hub"]
        assert f"city-bike.yaml:{position[0]}:{position[1]}: warning: blocks_demand: rule belt-needs-hub ruled out " \
               "10 values" in line
