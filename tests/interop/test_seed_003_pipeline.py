"""The seed 003 scenario end to end (EC2 logs -> Kinesis Agent -> Firehose -> S3 landing ->
Snowflake stage + COPY -> SQL transformations), on floe alone: a writer appends to
customers.csv and orders.csv; `floe agent` tails both into two delivery streams of
`floe serve`, which land them as files in a landing folder laid out by arrival time; two
AUTO_INGEST pipes load those files into raw tables; SQL builds the silver and gold tables.
The agent and the server are each killed with -9 and restarted while data flows.

What must hold: every source row reaches its raw table (the agent is at-least-once, so a kill
between an acknowledgement and its checkpoint may resend one buffer: duplicates are counted
and bounded), the deduplicated rows equal the source exactly, every landed file is loaded
exactly once (the pipes' history), and the gold table equals the same aggregation computed
here from the source files."""
import collections
import csv
import io
import json
import os
import signal
import subprocess
import threading
import time

from conftest import floe_binary, run_floe
from delivery_helpers import FloeServer
from test_sql_cli import floe_sql

CUSTOMERS = 300
ORDERS = 2000
MAX_BUFFER_RECORDS = 100


def rows(wh, sql):
    out = floe_sql("--format", "csv", "-c", sql, warehouse=wh).stdout
    return list(csv.reader(io.StringIO(out)))[1:]


def agent(config, *extra):
    return subprocess.Popen([floe_binary(), "agent", "--config", str(config), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_seed_003_pipeline_survives_kills_and_matches_the_source(tmp_path):
    wh, landing, src = tmp_path / "wh", tmp_path / "landing", tmp_path / "ec2"
    landing.mkdir()
    src.mkdir()
    floe_sql("-c", f"""
        CREATE SCHEMA raw; CREATE SCHEMA silver; CREATE SCHEMA gold;
        CREATE TABLE raw.customers (customer_id BIGINT, customer_name VARCHAR, customer_address VARCHAR);
        CREATE TABLE raw.orders (order_id BIGINT, customer_id BIGINT, order_quantity BIGINT, order_date DATE);
        CREATE STAGE raw.landing URL = 'file://{landing}'
          FILE_FORMAT = (TYPE = CSV FIELD_OPTIONALLY_ENCLOSED_BY = '"');
        CREATE PIPE raw.customers_pipe AUTO_INGEST = TRUE AS
          COPY INTO raw.customers FROM @raw.landing/customers/;
        CREATE PIPE raw.orders_pipe AUTO_INGEST = TRUE AS
          COPY INTO raw.orders FROM @raw.landing/orders/""", warehouse=wh)
    for name in ("customers", "orders"):
        run_floe("delivery-stream", "create", f"raw.{name}_stream", "--to-location", landing,
                 "--prefix", f"{name}/", "--buffer-seconds", "1", "--warehouse", wh)

    server = FloeServer(wh, "--pipe-poll-ms", "300").start()
    config = tmp_path / "agent.json"

    def write_config():
        config.write_text(json.dumps({
            "checkpointFile": str(tmp_path / "agent-state" / "checkpoints"),
            "firehose.endpoint": server.url,
            "flows": [{"filePattern": str(src / f"{n}.csv"), "deliveryStream": f"raw.{n}_stream",
                       "initialPosition": "START_OF_FILE", "skipHeaderLines": 1,
                       "maxBufferAgeMillis": 1000, "maxBufferSizeRecords": MAX_BUFFER_RECORDS}
                      for n in ("customers", "orders")]}))

    # The source: customers first (each order refers to one), appended over a few seconds.
    customers = [(i, f"customer {i}", f'{i} Main St, Apt "{i % 7}"') for i in range(1, CUSTOMERS + 1)]
    orders = [(i, 1 + (i * 7) % CUSTOMERS, 1 + i % 5, f"2024-0{1 + i % 9}-{1 + i % 28:02d}")
              for i in range(1, ORDERS + 1)]

    def writer():
        with open(src / "customers.csv", "w", newline="") as cf, open(src / "orders.csv", "w", newline="") as of:
            cw, ow = csv.writer(cf), csv.writer(of)
            cw.writerow(["customer_id", "customer_name", "customer_address"])
            ow.writerow(["order_id", "customer_id", "order_quantity", "order_date"])
            cf.flush()
            of.flush()
            for k in range(max(len(customers), len(orders))):
                if k < len(customers):
                    cw.writerow(customers[k])
                if k < len(orders):
                    ow.writerow(orders[k])
                if k % 100 == 0:
                    cf.flush()
                    of.flush()
                    time.sleep(0.15)

    write_config()
    (src / "customers.csv").write_text("customer_id,customer_name,customer_address\n")
    (src / "orders.csv").write_text("order_id,customer_id,order_quantity,order_date\n")
    w = threading.Thread(target=writer)
    w.start()
    kills = 0
    try:
        a = agent(config)
        time.sleep(1.2)
        a.send_signal(signal.SIGKILL)  # the agent dies mid-stream
        a.wait()
        kills += 1
        a = agent(config)
        time.sleep(1.0)
        server.kill()  # so does the server: acknowledged records are in its WAL
        server = FloeServer(wh, "--pipe-poll-ms", "300").start()
        write_config()  # the new port
        a.send_signal(signal.SIGKILL)
        a.wait()
        kills += 1
        w.join()
        a = agent(config, "--once")  # sends the rest, until every line is acknowledged
        out, err = a.communicate(timeout=180)
        assert a.returncode == 0, err
        for name in ("customers", "orders"):
            server.flush(f"raw.{name}_stream")
        deadline = time.time() + 60
        while time.time() < deadline:
            got = rows(wh, "SELECT (SELECT count(DISTINCT customer_id) FROM raw.customers), "
                           "(SELECT count(DISTINCT order_id) FROM raw.orders)")
            pending = [json.loads(rows(wh, f"SELECT SYSTEM$PIPE_STATUS('raw.{n}_pipe')")[0][0])["pendingFileCount"]
                       for n in ("customers", "orders")]
            if got == [[str(CUSTOMERS), str(ORDERS)]] and pending == [0, 0]:
                break
            time.sleep(0.5)
    finally:
        w.join()
        server.stop()

    # Every source row, intact; duplicates only from the agent's kills.
    raw_c = rows(wh, "SELECT customer_id, customer_name, customer_address FROM raw.customers")
    raw_o = rows(wh, "SELECT order_id, customer_id, order_quantity, order_date FROM raw.orders")
    assert sorted(set(map(tuple, raw_c)), key=lambda r: int(r[0])) == [tuple(map(str, c)) for c in customers]
    assert sorted(set(map(tuple, raw_o)), key=lambda r: int(r[0])) == [tuple(map(str, o)) for o in orders]
    duplicates = (len(raw_c) - CUSTOMERS) + (len(raw_o) - ORDERS)
    print(f"seed 003: {CUSTOMERS} customers, {ORDERS} orders, {kills} agent kills + 1 server kill, "
          f"{duplicates} duplicate rows")
    assert duplicates <= kills * 2 * MAX_BUFFER_RECORDS

    # Each landed file was loaded once, and nothing failed.
    history = rows(wh, "SELECT file_name, status, pipe_name FROM information_schema.copy_history")
    files = [h[0] for h in history]
    assert len(files) == len(set(files)) and {h[1] for h in history} == {"LOADED"}
    landed = sorted(str(p) for p in landing.rglob("*") if p.is_file())
    assert sorted(f.removeprefix("file://") for f in files) == landed
    assert all("/customers/" in f or "/orders/" in f for f in files)

    # Silver (deduplicated) and gold, in SQL, against the same computed here.
    floe_sql("-c", """
        CREATE TABLE silver.customers AS SELECT * FROM raw.customers
          QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY customer_id) = 1;
        CREATE TABLE silver.orders AS SELECT * FROM raw.orders
          QUALIFY row_number() OVER (PARTITION BY order_id ORDER BY order_id) = 1;
        CREATE TABLE gold.customer_orders AS
          SELECT c.customer_id, c.customer_name, count(*) AS orders, sum(o.order_quantity) AS quantity,
                 max(o.order_date) AS last_order
          FROM silver.orders o JOIN silver.customers c ON o.customer_id = c.customer_id
          GROUP BY c.customer_id, c.customer_name""", warehouse=wh)
    want = collections.defaultdict(lambda: [0, 0, ""])
    names = {c[0]: c[1] for c in customers}
    for _, cid, qty, day in orders:
        g = want[cid]
        g[0] += 1
        g[1] += qty
        g[2] = max(g[2], day)
    expected = sorted([str(cid), names[cid], str(n), str(q), d] for cid, (n, q, d) in want.items())
    got = sorted(rows(wh, "SELECT customer_id, customer_name, orders, quantity, last_order FROM gold.customer_orders"))
    assert got == expected
