"""Iceberg views shared by floe and Spark's JdbcCatalog on one catalog file (the V1 layout, in
its own namespace of floe_v1's warehouse): Spark lists and queries the views floe's SQL
creates (running floe's SQL, its only representation), floe lists Spark's views with Spark's
SQL (gzip-compressed metadata, as Java writes it), neither replaces the other's view in a way
that would lose the other's SQL, and each drops the other's views."""
import pytest


def spark_rows(spark, sql):
    return [r.asDict() for r in spark.sql(sql).collect()]


def floe_csv(floe, sql):
    return floe.run("sql", "--format", "csv", "-c", sql).stdout.strip().splitlines()


def test_views_between_floe_and_spark(spark, floe_v1):
    floe_v1.run("sql", "-c",
                "CREATE SCHEMA vw; CREATE TABLE vw.t (id BIGINT, name VARCHAR); "
                "INSERT INTO vw.t VALUES (1, 'a'), (2, 'b'), (3, NULL); "
                "CREATE VIEW vw.fv AS SELECT id, name FROM vw.t WHERE id >= 2")
    assert [r["viewName"] for r in spark_rows(spark, "SHOW VIEWS IN floe_v1.vw")] == ["fv"]
    assert [r["tableName"] for r in spark_rows(spark, "SHOW TABLES IN floe_v1.vw")] == ["t"]
    assert spark_rows(spark, "SELECT * FROM floe_v1.vw.fv ORDER BY id") == [
        {"id": 2, "name": "b"}, {"id": 3, "name": None}]
    assert [(r["col_name"], r["data_type"]) for r in
            spark_rows(spark, "DESCRIBE floe_v1.vw.fv")][:2] == [("id", "bigint"),
                                                                 ("name", "string")]

    spark.sql("CREATE VIEW floe_v1.vw.sv AS SELECT id * 10 AS x FROM floe_v1.vw.t")
    listed = floe_csv(floe_v1, "SHOW VIEWS IN vw")
    assert listed[0] == "name,text"
    assert sorted(line.split(",", 1)[0] for line in listed[1:]) == ["vw.fv", "vw.sv"]
    assert "vw.sv,SELECT id * 10 AS x FROM floe_v1.vw.t" in listed

    # Java refuses a replace that drops a dialect the view has, and so does floe.
    with pytest.raises(Exception, match="loss of view dialects"):
        spark.sql("CREATE OR REPLACE VIEW floe_v1.vw.fv AS SELECT id FROM floe_v1.vw.t")
    proc = floe_v1.run("sql", "-c", "CREATE OR REPLACE VIEW vw.sv AS SELECT id FROM vw.t",
                       check=False)
    assert proc.returncode != 0 and "dialect spark" in proc.stderr, proc.stderr
    assert spark_rows(spark, "SELECT * FROM floe_v1.vw.fv ORDER BY id") == [
        {"id": 2, "name": "b"}, {"id": 3, "name": None}]

    floe_v1.run("sql", "-c", "DROP VIEW vw.sv")
    spark.sql("DROP VIEW floe_v1.vw.fv")
    assert spark_rows(spark, "SHOW VIEWS IN floe_v1.vw") == []
    assert floe_csv(floe_v1, "SHOW VIEWS IN vw") == ["name,text"]
    assert [r["tableName"] for r in spark_rows(spark, "SHOW TABLES IN floe_v1.vw")] == ["t"]
