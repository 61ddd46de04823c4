"""Iceberg views floe stores in its catalog, read by PyIceberg: each metadata file floe writes
must be a view PyIceberg's own model of the view spec accepts (versions, version log, schemas,
SQL representations), and PyIceberg's SQL catalog must keep treating the view's row as no
table, before and after floe migrates a V0 catalog file to the V1 layout with its first view.
(PyIceberg 0.12's SqlCatalog raises NotImplementedError for list_views and load_view, so the
views are checked through their metadata files, the catalog rows Java's JdbcCatalog reads.)"""
import sqlite3

import pytest
from pyiceberg.exceptions import NoSuchTableError, TableAlreadyExistsError
from pyiceberg.types import LongType, StringType
from pyiceberg.view.metadata import ViewMetadata

from iceberg_peers import Warehouse
from test_sql_cli import floe_sql


def catalog_rows(wh):
    """The columns of iceberg_tables, and each row's name with its iceberg_type (None in V0)."""
    with sqlite3.connect(wh.path / "catalog.db") as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(iceberg_tables)")]
        kind = "iceberg_type" if "iceberg_type" in columns else "NULL"
        return columns, dict(db.execute(f"SELECT table_name, {kind} FROM iceberg_tables"))


def pyiceberg_view_metadata(wh, name):
    """floe's current metadata file of view `name`, parsed by PyIceberg's ViewMetadata model."""
    location = wh.metadata_location(name)
    assert location.startswith("file://") and location.endswith(".metadata.json"), location
    with open(location.removeprefix("file://")) as f:
        return location, ViewMetadata.model_validate_json(f.read())


def test_pyiceberg_reads_floes_view_metadata(tmp_path):
    wh = Warehouse(tmp_path / "wh")
    floe_sql("-c", "CREATE SCHEMA db; CREATE TABLE db.t (id BIGINT, name VARCHAR); "
             "INSERT INTO db.t VALUES (1, 'a'), (2, 'b'), (3, NULL)", warehouse=wh.path)
    # floe creates the JDBC catalog's V0 layout, as Java's JdbcCatalog does; PyIceberg reads it
    # in its v0 mode.
    columns, rows = catalog_rows(wh)
    assert "iceberg_type" not in columns
    assert [tuple(t) for t in wh.catalog().list_tables("db")] == [("db", "t")]

    floe_sql("-c", "CREATE VIEW db.v AS SELECT id, name FROM db.t WHERE id >= 2",
             warehouse=wh.path)
    columns, rows = catalog_rows(wh)
    assert "iceberg_type" in columns  # migrated by the first view
    assert rows == {"t": None, "v": "VIEW"}  # the table from before stays a table

    first_location, m = pyiceberg_view_metadata(wh, "db.v")
    assert "/db/v/metadata/00000-" in first_location
    assert m.format_version == 1
    assert m.location == f"file://{wh.path}/db/v"
    assert m.current_version_id == 1
    assert [v.version_id for v in m.versions] == [1]
    assert [e.version_id for e in m.version_log] == [1]
    version = m.versions[0]
    [rep] = [r.root for r in version.representations]
    assert (rep.type, rep.dialect) == ("sql", "floe")
    assert rep.sql == "SELECT id, name FROM db.t WHERE id >= 2"
    assert version.summary.get("engine-name") == "floe"
    [schema] = [s for s in m.schemas if s.schema_id == version.schema_id]
    assert [(f.field_id, f.name, f.field_type) for f in schema.fields] == [
        (1, "id", LongType()), (2, "name", StringType())]

    # A fresh PyIceberg catalog sees the V1 layout: the view is no table to it, its name cannot
    # be taken by a table, and the tables it creates are typed as Java types them.
    wh._pyiceberg = None
    cat = wh.catalog()
    assert [tuple(t) for t in cat.list_tables("db")] == [("db", "t")]
    assert not cat.table_exists("db.v")
    with pytest.raises(NoSuchTableError):
        cat.load_table("db.v")
    with pytest.raises(TableAlreadyExistsError):
        cat.create_table("db.v", schema=cat.load_table("db.t").schema())
    cat.create_table("db.p", schema=cat.load_table("db.t").schema())
    assert catalog_rows(wh)[1] == {"t": None, "v": "VIEW", "p": "TABLE"}
    assert floe_sql("--format", "csv", "-c", "SELECT * FROM db.v ORDER BY id",
                    warehouse=wh.path).stdout.split() == ["id,name", "2,b", "3,"]

    # CREATE OR REPLACE adds a version to the same view; the file before it is the previous
    # metadata location, as Java's JdbcCatalog records it.
    floe_sql("-c", "CREATE OR REPLACE VIEW db.v AS SELECT count(*) AS n FROM db.t",
             warehouse=wh.path)
    second_location, m2 = pyiceberg_view_metadata(wh, "db.v")
    assert "/db/v/metadata/00001-" in second_location
    assert m2.view_uuid == m.view_uuid
    assert m2.current_version_id == 2
    assert [v.version_id for v in m2.versions] == [1, 2]
    assert [e.version_id for e in m2.version_log] == [1, 2]
    current = next(v for v in m2.versions if v.version_id == 2)
    assert current.representations[0].root.sql == "SELECT count(*) AS n FROM db.t"
    [schema] = [s for s in m2.schemas if s.schema_id == current.schema_id]
    assert [(f.name, f.field_type) for f in schema.fields] == [("n", LongType())]
    assert len(m2.schemas) == 2
    with sqlite3.connect(wh.path / "catalog.db") as db:
        assert db.execute("SELECT previous_metadata_location FROM iceberg_tables WHERE "
                          "table_name = 'v'").fetchone()[0] == first_location

    floe_sql("-c", "DROP VIEW db.v", warehouse=wh.path)
    assert catalog_rows(wh)[1] == {"t": None, "p": "TABLE"}
