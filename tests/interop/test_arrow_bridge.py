"""The Arrow C Data Interface against pyarrow itself: batches floe reads are handed to
pyarrow without copying and hold the values pyarrow reads; Arrow batches pyarrow hands to
floe are written to files pyarrow reads back identically."""
import ctypes
import os
import pathlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from canonical import arrow_canonical
from conftest import floe_binary
from random_tables import random_table


@pytest.fixture(scope="module")
def lib():
    path = os.environ.get("FLOE_ARROW_LIB",
                          str(pathlib.Path(floe_binary()).parent / "libfloe_arrow.so"))
    lib = ctypes.CDLL(path)
    lib.floe_last_error.restype = ctypes.c_char_p
    # Pointers must be declared: ctypes passes bare ints as 32-bit C ints.
    lib.floe_read_parquet_row_group.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_void_p,
                                                ctypes.c_void_p]
    lib.floe_parquet_row_groups.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_int)]
    lib.floe_write_batch.argtypes = [ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p]
    return lib


def structs():
    # ArrowArray is 80 bytes, ArrowSchema 72 (Arrow C Data Interface ABI).
    return ctypes.create_string_buffer(80), ctypes.create_string_buffer(72)


def addr(buf):
    return ctypes.addressof(buf)


def read_with_floe(lib, path):
    count = ctypes.c_int()
    assert lib.floe_parquet_row_groups(str(path).encode(), ctypes.byref(count)) == 0
    batches = []
    for rg in range(count.value):
        array, schema = structs()
        rc = lib.floe_read_parquet_row_group(str(path).encode(), rg, addr(array), addr(schema))
        assert rc == 0, lib.floe_last_error()
        batch = pa.RecordBatch._import_from_c(addr(array), addr(schema))
        batch.validate(full=True)  # offsets, bitmaps and lengths are what Arrow requires
        batches.append(batch)
    return pa.Table.from_batches(batches)


def test_pyarrow_imports_what_floe_reads(lib, tmp_path):
    table = random_table(4000, seed=21)
    path = tmp_path / "t.parquet"
    pq.write_table(table, path, row_group_size=1500)
    got = read_with_floe(lib, path)
    assert got.num_rows == table.num_rows
    for name in table.column_names:
        g, e = got.column(name), table.column(name)
        if g.type != e.type:
            g = g.cast(e.type)
        assert arrow_canonical(g) == arrow_canonical(e), name


@pytest.mark.parametrize("ext", ["parquet", "csv", "json"])
def test_floe_writes_what_pyarrow_exports(lib, tmp_path, ext):
    table = random_table(3000, seed=5, nested=(ext != "csv"))
    if ext != "parquet":
        # text formats keep text-friendly columns only
        table = table.select(["b", "i32", "i64", "f64", "s", "low_card", "date"])
    batch = table.combine_chunks().to_batches()[0]
    array, schema = structs()
    batch._export_to_c(addr(array), addr(schema))
    out = tmp_path / f"out.{ext}"
    rc = lib.floe_write_batch(str(out).encode(), addr(array), addr(schema))
    # hand the exported structs back to pyarrow so that they are released
    pa.RecordBatch._import_from_c(addr(array), addr(schema))
    assert rc == 0, lib.floe_last_error()
    back = read_with_floe(lib, out) if ext == "parquet" else None
    if ext == "parquet":
        for name in table.column_names:
            assert arrow_canonical(back.column(name).cast(table.column(name).type)) == \
                arrow_canonical(table.column(name)), name
    else:
        assert out.stat().st_size > 0


def test_errors_come_back_as_messages(lib):
    array, schema = structs()
    rc = lib.floe_read_parquet_row_group(b"/nonexistent.parquet", 0, addr(array), addr(schema))
    assert rc == -1
    assert b"/nonexistent.parquet" in lib.floe_last_error()
