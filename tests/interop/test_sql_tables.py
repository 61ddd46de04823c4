"""SQL statements that change Iceberg tables, checked by engines floe did not write:
UPDATE, DELETE and MERGE (copy-on-write commits), ALTER TABLE, BEGIN ... COMMIT across two
tables and ROLLBACK, and views stored in the catalog. PyIceberg and DuckDB's iceberg reader
must see exactly the rows floe's SQL says the tables hold."""
import sqlite3

import pytest

from iceberg_peers import Warehouse, duckdb_arrow, duckdb_connection
from test_sql_cli import floe_sql


def rows_of(wh, name, order="id"):
    tbl = wh.pyiceberg_table(name).scan().to_arrow()
    return sorted(tuple(r.values()) for r in tbl.to_pylist())


def duck_rows(wh, name):
    con = duckdb_connection()
    loc = wh.metadata_location(name)
    tbl = duckdb_arrow(con, f"SELECT * FROM iceberg_scan('{loc}')")
    return sorted(tuple(r.values()) for r in tbl.to_pylist())


def floe_csv(wh, sql):
    out = floe_sql("--format", "csv", "-c", sql, warehouse=wh.path).stdout
    return out.strip().splitlines()


@pytest.fixture
def wh(tmp_path):
    w = Warehouse(tmp_path / "wh")
    floe_sql("-c", "CREATE SCHEMA db; CREATE TABLE db.t (id INTEGER, v VARCHAR, n BIGINT) "
             "PARTITION BY (bucket(4, id)); "
             "INSERT INTO db.t VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30), (4, 'd', 40)",
             warehouse=w.path)
    return w


def test_update_delete_merge_are_seen_by_pyiceberg_and_duckdb(wh):
    floe_sql("-c", "UPDATE db.t SET n = n + 1, v = upper(v) WHERE id IN (1, 3); "
             "DELETE FROM db.t WHERE v = 'b' OR n > 39; "
             "CREATE TABLE db.s (id INTEGER, v VARCHAR); INSERT INTO db.s VALUES (1, 'one'), (5, 'five'); "
             "MERGE INTO db.t USING db.s ON t.id = s.id "
             "WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id, v, n) VALUES (s.id, s.v, 0)",
             warehouse=wh.path)
    want = [(1, "one", 11), (3, "C", 31), (5, "five", 0)]
    assert rows_of(wh, "db.t") == want
    assert duck_rows(wh, "db.t") == want
    assert floe_csv(wh, "SELECT id, v, n FROM db.t ORDER BY id") == ["id,v,n", "1,one,11", "3,C,31", "5,five,0"]
    ops = [s["summary"].get("operation") for s in wh.snapshots("db.t")]
    assert ops[0] == "append" and "overwrite" in ops and ops.count("append") >= 1


def test_a_failing_merge_changes_nothing(wh):
    before = wh.metadata_location("db.t")
    proc = floe_sql("-c", "CREATE TABLE db.s2 (id INTEGER, v VARCHAR); "
                    "INSERT INTO db.s2 VALUES (1, 'x'), (1, 'y'); "
                    "MERGE INTO db.t USING db.s2 ON t.id = s2.id WHEN MATCHED THEN UPDATE SET v = s2.v",
                    warehouse=wh.path, check=False)
    assert proc.returncode != 0 and "more than one source row" in proc.stderr
    assert wh.metadata_location("db.t") == before
    assert rows_of(wh, "db.t") == [(1, "a", 10), (2, "b", 20), (3, "c", 30), (4, "d", 40)]


def test_alter_table_evolves_the_schema_peers_read(wh):
    floe_sql("-c", "ALTER TABLE db.t ADD COLUMN score DOUBLE; ALTER TABLE db.t RENAME COLUMN v TO label; "
             "INSERT INTO db.t VALUES (5, 'e', 50, 0.5)", warehouse=wh.path)
    tbl = wh.pyiceberg_table("db.t")
    assert [f.name for f in tbl.schema().fields] == ["id", "label", "n", "score"]
    got = sorted(tuple(r.values()) for r in tbl.scan().to_arrow().to_pylist())
    assert got[-1] == (5, "e", 50, 0.5) and got[0] == (1, "a", 10, None)


def test_commit_moves_two_tables_at_once_and_rollback_leaves_both(wh):
    floe_sql("-c", "CREATE TABLE db.u (id INTEGER)", warehouse=wh.path)
    t0, u0 = wh.metadata_location("db.t"), wh.metadata_location("db.u")
    floe_sql("-c", "BEGIN; INSERT INTO db.t VALUES (9, 'z', 90); INSERT INTO db.u VALUES (9); ROLLBACK",
             warehouse=wh.path)
    assert (wh.metadata_location("db.t"), wh.metadata_location("db.u")) == (t0, u0)
    # A session that ends inside a transaction rolls it back too.
    floe_sql("-c", "BEGIN; INSERT INTO db.u VALUES (8)", warehouse=wh.path)
    assert wh.metadata_location("db.u") == u0
    floe_sql("-c", "BEGIN; DELETE FROM db.t WHERE id = 4; INSERT INTO db.u SELECT id FROM db.t; COMMIT",
             warehouse=wh.path)
    assert rows_of(wh, "db.u") == [(1,), (2,), (3,)]
    assert [r[0] for r in rows_of(wh, "db.t")] == [1, 2, 3]


def test_ddl_inside_a_transaction_commits_it_first(wh):
    # Snowflake's rule: DDL commits the open transaction, then runs on its own; the
    # statements after it are not part of a transaction, and the ROLLBACK meant for the
    # ended transaction does nothing.
    t0 = wh.metadata_location("db.t")
    out = floe_sql("-c", "BEGIN; INSERT INTO db.t VALUES (7, 'g', 70); CREATE TABLE db.w (id INTEGER); "
                   "INSERT INTO db.w VALUES (1); ROLLBACK", warehouse=wh.path)
    assert "nothing to roll back" in out.stdout
    assert wh.metadata_location("db.t") != t0
    assert (7, "g", 70) in rows_of(wh, "db.t")
    assert rows_of(wh, "db.w") == [(1,)]
    # A failing DDL statement still commits what came before it.
    proc = floe_sql("-c", "BEGIN; INSERT INTO db.w VALUES (2); CREATE TABLE db.w (id INTEGER)",
                    warehouse=wh.path, check=False)
    assert proc.returncode != 0 and "already exists" in proc.stderr
    assert rows_of(wh, "db.w") == [(1,), (2,)]
    # A second COMMIT outside any transaction is still an error.
    proc = floe_sql("-c", "COMMIT", warehouse=wh.path, check=False)
    assert proc.returncode != 0 and "COMMIT without BEGIN" in proc.stderr


def test_variant_columns_keep_their_type_across_sessions(wh):
    # Iceberg has no VARIANT: the column is a string of JSON to peers, and floe keeps the
    # declared type as a table property, so a later session still reads it as VARIANT.
    floe_sql("-c", "CREATE TABLE db.docs (id INTEGER, doc VARIANT, note VARCHAR); "
             "INSERT INTO db.docs VALUES (1, '\"hi\"', '\"hi\"'), (2, '{\"n\": 7}', 'x')", warehouse=wh.path)
    assert floe_csv(wh, "SELECT id, doc::string AS d, note::string AS n FROM db.docs ORDER BY id") == \
        ["id,d,n", "1,hi,\"\"\"hi\"\"\"", '2,"{""n"":7}",x']
    tbl = wh.pyiceberg_table("db.docs")
    assert str(tbl.schema().find_field("doc").field_type) == "string"
    assert any(k.startswith("floe.column-type.") and v == "VARIANT" for k, v in tbl.properties.items())


def test_create_table_as_keeps_variant_columns(wh):
    # A VARIANT column (or VARIANT expression) of CREATE TABLE AS's query becomes a VARIANT
    # column of the new table: the same property, so the JSON keeps reading as VARIANT.
    floe_sql("-c", "CREATE TABLE db.raw (id INTEGER, payload VARIANT); "
             "INSERT INTO db.raw SELECT 1, parse_json('{\"user\": {\"id\": 7}, \"tag\": \"x\"}'); "
             "CREATE VIEW db.raw_v AS SELECT id, payload FROM db.raw; "
             "CREATE TABLE db.copy AS SELECT id, payload, payload:tag AS tag, payload:tag::string AS tag_text "
             "FROM db.raw_v", warehouse=wh.path)
    assert floe_csv(wh, "SELECT payload:user.id::int AS uid, tag::string AS t, tag_text FROM db.copy") == \
        ["uid,t,tag_text", "7,x,x"]
    tbl = wh.pyiceberg_table("db.copy")
    schema = tbl.schema()
    for name in ("payload", "tag", "tag_text"):
        assert str(schema.find_field(name).field_type) == "string"
    typed = {k: v for k, v in tbl.properties.items() if k.startswith("floe.column-type.")}
    assert typed == {f"floe.column-type.{schema.find_field(n).field_id}": "VARIANT" for n in ("payload", "tag")}
    assert tbl.scan().to_arrow().to_pylist() == \
        [{"id": 1, "payload": '{"tag":"x","user":{"id":7}}', "tag": '"x"', "tag_text": "x"}]


def test_views_live_in_the_catalog(wh):
    floe_sql("-c", "CREATE VIEW db.big AS SELECT id, n FROM db.t WHERE n >= 30", warehouse=wh.path)
    assert floe_csv(wh, "SELECT * FROM db.big ORDER BY id") == ["id,n", "3,30", "4,40"]
    with sqlite3.connect(wh.path / "catalog.db") as db:
        kinds = db.execute("SELECT table_name, iceberg_type FROM iceberg_tables ORDER BY 1").fetchall()
    # (PyIceberg 0.12's SqlCatalog does not implement list_views; the row and its Iceberg
    # view metadata file are what Java's JdbcCatalog reads.)
    assert ("big", "VIEW") in kinds
    # The view does not show up as a table to peers.
    assert ("db", "big") not in [tuple(t) for t in wh.catalog().list_tables("db")]
    floe_sql("-c", "CREATE OR REPLACE VIEW db.big AS SELECT count(*) AS c FROM db.t", warehouse=wh.path)
    assert floe_csv(wh, "SELECT * FROM db.big") == ["c", "4"]
    floe_sql("-c", "DROP VIEW db.big", warehouse=wh.path)
    proc = floe_sql("-c", "SELECT * FROM db.big", warehouse=wh.path, check=False)
    assert proc.returncode != 0 and "does not exist" in proc.stderr


def test_insert_overwrite_replaces_the_rows_in_one_commit(wh):
    floe_sql("-c", "INSERT OVERWRITE INTO db.t SELECT id + 10, v, n FROM db.t WHERE id <= 2", warehouse=wh.path)
    want = [(11, "a", 10), (12, "b", 20)]
    assert rows_of(wh, "db.t") == want
    assert duck_rows(wh, "db.t") == want
    ops = [s["summary"].get("operation") for s in wh.snapshots("db.t")]
    assert ops[-1] == "overwrite"
    floe_sql("-c", "INSERT OVERWRITE INTO db.t SELECT * FROM db.t WHERE id > 100", warehouse=wh.path)
    assert rows_of(wh, "db.t") == []


def test_update_from_and_delete_using_are_seen_by_pyiceberg(wh):
    floe_sql("-c", "CREATE TABLE db.s (id INTEGER, nv VARCHAR); INSERT INTO db.s VALUES (1, 'one'), (4, 'four'); "
             "UPDATE db.t SET v = s.nv FROM db.s WHERE t.id = s.id; "
             "DELETE FROM db.t USING db.s WHERE t.id = s.id AND s.nv = 'four'", warehouse=wh.path)
    want = [(1, "one", 10), (2, "b", 20), (3, "c", 30)]
    assert rows_of(wh, "db.t") == want
    assert duck_rows(wh, "db.t") == want


def test_column_defaults_live_with_the_table(wh):
    floe_sql("-c", "CREATE TABLE db.d (id INTEGER, status VARCHAR DEFAULT 'new', qty BIGINT DEFAULT 2 * 3); "
             "INSERT INTO db.d (id) VALUES (1); ALTER TABLE db.d RENAME COLUMN status TO state", warehouse=wh.path)
    floe_sql("-c", "INSERT INTO db.d (id, qty) VALUES (2, 1)", warehouse=wh.path)  # a new process
    assert rows_of(wh, "db.d") == [(1, "new", 6), (2, "new", 1)]
    props = wh.pyiceberg_table("db.d").properties
    assert sorted(v for k, v in props.items() if k.startswith("floe.column-default.")) == ["'new'", "2 * 3"]


def test_primary_key_is_the_schemas_identifier_fields_and_insert_or_replace_one_commit(wh):
    floe_sql("-c", "CREATE TABLE db.k (region VARCHAR, id INTEGER, v VARCHAR, PRIMARY KEY (id, region)); "
             "INSERT INTO db.k VALUES ('eu', 1, 'a'), ('us', 1, 'b'), ('eu', 2, 'c')", warehouse=wh.path)
    floe_sql("-c", "INSERT OR REPLACE INTO db.k VALUES ('eu', 1, 'A'), ('eu', 3, 'x'), ('eu', 3, 'D')",
             warehouse=wh.path)
    tbl = wh.pyiceberg_table("db.k")
    schema = tbl.schema()
    ids = list(schema.identifier_field_ids)
    assert [schema.find_field(i).name for i in ids] == ["id", "region"]
    assert all(schema.find_field(i).required for i in ids)
    assert schema.find_field("v").required is False
    want = [("eu", 1, "A"), ("eu", 2, "c"), ("eu", 3, "D"), ("us", 1, "b")]
    assert rows_of(wh, "db.k") == want
    assert duck_rows(wh, "db.k") == want
    # The replaced and the new rows went in one commit.
    assert len(wh.snapshots("db.k")) == 2
    floe_sql("-c", "INSERT OR IGNORE INTO db.k VALUES ('us', 1, 'ignored'), ('us', 2, 'e')", warehouse=wh.path)
    assert rows_of(wh, "db.k") == want + [("us", 2, "e")]
    assert floe_csv(wh, "DESCRIBE db.k") == ["column_name,column_type,null,primary_key", "region,VARCHAR,NO,Y",
                                             "id,INTEGER,NO,Y", "v,VARCHAR,YES,N"]
    assert "identified by:  id, region (identifier fields, the primary key)" in \
        wh.floe("table", "describe", "db.k").stdout
