"""Runs SQL with chDB (ClickHouse's engine in-process) over Parquet files and prints the answers.

stdin: {"source": "<glob of .parquet files>", "queries": {"name": "SQL with {src}", ...}}
stdout: {"version": "...", "answers": {"name": [row objects], ...}}

Used by the bench (`parquet.chdb-check`) to check logsift's Parquet export and the SQL of
docs/scale-out.md against a real ClickHouse engine. Exit 3 when chdb is not installed.
"""
import json
import sys

try:
    import chdb
except ImportError:
    print("chdb is not installed (pip install chdb)", file=sys.stderr)
    sys.exit(3)

req = json.load(sys.stdin)
src = "file('%s', Parquet)" % req["source"].replace("'", "\\'")
answers = {}
for name, sql in req["queries"].items():
    res = chdb.query(sql.replace("{src}", src), "JSONEachRow")
    text = res.data() if hasattr(res, "data") else str(res)
    answers[name] = [json.loads(line) for line in text.splitlines() if line.strip()]
version = chdb.query("SELECT version() AS v", "JSONEachRow").data().strip()
print(json.dumps({"version": json.loads(version)["v"] if version else None, "answers": answers}))
