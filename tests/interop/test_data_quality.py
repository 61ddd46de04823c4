"""Data-quality rulesets (DQDL, AWS Glue Data Quality's role) checked on every load: the
rules run on the table as the load leaves it, their results commit with the load and are
queryable, and ON_FAILURE = ABORT stops a load that breaks them (nothing is loaded, the
results are kept). Metrics are checked against values computed here."""
import csv
import io

import pytest

from iceberg_peers import Warehouse
from test_sql_cli import floe_sql


def rows(wh, sql):
    out = floe_sql("--format", "csv", "-c", sql, warehouse=wh.path).stdout
    return list(csv.reader(io.StringIO(out)))


RULES = ('Rules = [ IsComplete "id", IsUnique "id", ColumnValues "qty" between 1 and 10, '
         'ColumnValues "status" in ["new", "paid"], ColumnValues "email" matches "[a-z]+@[a-z]+[.]com" where "email IS NOT NULL", '
         'Completeness "email" >= 0.5, RowCount > 2, Mean "qty" < 6, ColumnLength "status" <= 4, '
         'CustomSql "SELECT count(*) FROM primary WHERE qty < 0" = 0 ]')


@pytest.fixture
def wh(tmp_path):
    land = tmp_path / "land"
    land.mkdir()
    w = Warehouse(tmp_path / "wh")
    w.land = land
    floe_sql("-c", "CREATE SCHEMA raw; CREATE TABLE raw.o (id BIGINT, qty BIGINT, status VARCHAR, email VARCHAR); "
             f"CREATE STAGE raw.land URL = 'file://{land}' FILE_FORMAT = (TYPE = CSV); "
             f"CREATE DATA QUALITY RULESET raw.o_rules ON TABLE raw.o RULES = '{RULES}'", warehouse=w.path)
    return w


def test_rules_pass_on_a_clean_load_and_results_are_recorded(wh):
    (wh.land / "a.csv").write_text("1,2,new,ann@x.com\n2,5,paid,bob@y.com\n3,9,new,\n")
    floe_sql("-c", "COPY INTO raw.o FROM @raw.land", warehouse=wh.path)
    got = rows(wh, "SELECT rule, outcome, metric FROM information_schema.data_quality_results")[1:]
    assert len(got) == 10 and {r[1] for r in got} == {"PASS"}, got
    metrics = {r[0]: float(r[2]) for r in got}
    assert metrics['Completeness "email" >= 0.5'] == pytest.approx(2 / 3)
    assert metrics["RowCount > 2"] == 3
    assert metrics['Mean "qty" < 6'] == pytest.approx(16 / 3)
    load = rows(wh, "SELECT DISTINCT load_id FROM information_schema.data_quality_results")[1:]
    hist = rows(wh, "SELECT DISTINCT load_id FROM information_schema.load_history")[1:]
    assert load == hist


def test_a_failing_rule_is_recorded_and_the_load_kept_by_default(wh):
    (wh.land / "b.csv").write_text("1,2,new,ann@x.com\n1,50,lost,nope\n,3,paid,bob@y.com\n")
    floe_sql("-c", "COPY INTO raw.o FROM @raw.land", warehouse=wh.path)
    assert rows(wh, "SELECT count(*) FROM raw.o") == [["count"], ["3"]]
    got = {r[0]: (r[1], r[2], r[3]) for r in rows(
        wh, "SELECT rule, outcome, metric, message FROM information_schema.data_quality_results")[1:]}
    assert got['IsComplete "id"'][0] == "FAIL" and float(got['IsComplete "id"'][1]) == pytest.approx(2 / 3)
    assert got['IsUnique "id"'][0] == "FAIL"
    assert got['ColumnValues "qty" between 1 and 10'][0] == "FAIL"
    status_rule = [v for k, v in got.items() if k.startswith('ColumnValues "status"')]
    assert len(status_rule) == 1 and status_rule[0][0] == "FAIL" and float(status_rule[0][1]) == pytest.approx(2 / 3)
    assert "does not meet the constraint requirement" in got['IsUnique "id"'][2]
    assert got["RowCount > 2"][0] == "PASS"


def test_on_failure_abort_loads_nothing_and_keeps_the_results(wh):
    floe_sql("-c", "CREATE OR REPLACE DATA QUALITY RULESET raw.o_rules ON raw.o "
             "RULES = 'Rules = [ ColumnValues \"qty\" <= 10 ]' ON_FAILURE = ABORT", warehouse=wh.path)
    (wh.land / "c.csv").write_text("1,2,new,a@b.com\n2,99,new,a@b.com\n")
    proc = floe_sql("-c", "COPY INTO raw.o FROM @raw.land", warehouse=wh.path, check=False)
    assert proc.returncode != 0 and "raw.o_rules" in proc.stderr and "nothing was loaded" in proc.stderr
    assert rows(wh, "SELECT count(*) FROM raw.o") == [["count"], ["0"]]
    assert rows(wh, "SELECT count(*) FROM information_schema.load_history") == [["count"], ["0"]]
    assert rows(wh, "SELECT outcome, metric FROM information_schema.data_quality_results")[1:] == [["FAIL", "0.5"]]
    # Fixed, the file loads (it was never recorded as loaded).
    (wh.land / "c.csv").write_text("1,2,new,a@b.com\n2,9,new,a@b.com\n")
    floe_sql("-c", "COPY INTO raw.o FROM @raw.land", warehouse=wh.path)
    assert rows(wh, "SELECT count(*) FROM raw.o") == [["count"], ["2"]]


def test_evaluate_on_demand_show_and_drop(wh):
    floe_sql("-c", "INSERT INTO raw.o VALUES (1, 2, 'new', 'a@b.com'), (2, 3, 'paid', NULL)", warehouse=wh.path)
    got = rows(wh, "EVALUATE DATA QUALITY RULESET raw.o_rules")
    assert got[0] == ["ruleset", "rule", "outcome", "message", "metric"]
    outcome = {r[1]: r[2] for r in got[1:]}
    assert outcome["RowCount > 2"] == "FAIL" and outcome['IsUnique "id"'] == "PASS"
    assert rows(wh, "SHOW DATA QUALITY RULESETS IN raw")[1][:4] == ["o_rules", "raw", "raw.o", "RECORD"]
    floe_sql("-c", "DROP DATA QUALITY RULESET raw.o_rules", warehouse=wh.path)
    assert len(rows(wh, "SHOW DATA QUALITY RULESETS")) == 1


@pytest.mark.parametrize("rules,needle", [
    ("Rules = [ IsComplete id ]", "column"),
    ("Rules = [ Sometimes \"id\" ]", "Sometimes"),
    ("Rules = [ ColumnValues \"qty\" between 1 ]", "AND"),
    ("Rules = [ ]", "no rules"),
    ("Rules = [ (IsComplete \"id\") and (IsUnique \"id\") ]", "rule type"),
])
def test_bad_rules_are_refused_at_create(wh, rules, needle):
    proc = floe_sql("-c", f"CREATE DATA QUALITY RULESET raw.bad ON raw.o RULES = '{rules}'", warehouse=wh.path, check=False)
    assert proc.returncode != 0 and needle in proc.stderr, proc.stderr
