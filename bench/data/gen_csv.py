#!/usr/bin/env python3
"""Writes a deterministic CSV of about SIZE bytes and its Table Schema (for bench/data/run.sh).

usage: gen_csv.py OUT.csv OUT.schema.json SIZE_BYTES
Rows are realistic (integers, decimals, dates, datetimes, enums, quoted text with commas and
doubled quotes, some missing values); a block of 20000 distinct rows is repeated to reach SIZE.
"""
import json
import random
import sys

out_csv, out_schema, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(42)
schema = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True, "minimum": 0}},
        {"name": "amount", "type": "number", "constraints": {"maximum": 100000}},
        {"name": "day", "type": "date"},
        {"name": "at", "type": "datetime"},
        {"name": "status", "constraints": {"enum": ["new", "paid", "shipped", "returned"]}},
        {"name": "code", "constraints": {"pattern": "[A-Z]{2}-[0-9]{4}"}},
        {"name": "active", "type": "boolean"},
        {"name": "note", "constraints": {"maxLength": 200}},
    ],
    "missingValues": ["", "NA"],
}
words = ["alpha", "beta", "gamma", "delta", "order", "parcel", "client", "Zürich", "naïve", "x"]
rows = []
for i in range(20000):
    note = " ".join(rng.choice(words) for _ in range(rng.randint(2, 12)))
    if i % 7 == 0:
        note = '"' + note.replace("a", '""a') + ', with comma"'
    rows.append("%d,%.2f,2024-%02d-%02d,2024-%02d-%02dT%02d:%02d:%02dZ,%s,%s-%04d,%s,%s\n" % (
        i, rng.uniform(0, 99999), rng.randint(1, 12), rng.randint(1, 28), rng.randint(1, 12),
        rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59),
        rng.choice(["new", "paid", "shipped", "returned"]),
        rng.choice(["AB", "CD", "EF"]), rng.randint(0, 9999), rng.choice(["true", "false"]),
        note if i % 11 else "NA"))
block = "".join(rows).encode()
with open(out_csv, "wb") as f:
    f.write(b"id,amount,day,at,status,code,active,note\n")
    written = 0
    while written + len(block) <= size:
        f.write(block)
        written += len(block)
with open(out_schema, "w") as f:
    json.dump(schema, f)
