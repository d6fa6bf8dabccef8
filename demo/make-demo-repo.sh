#!/usr/bin/env bash
# Builds Gate's demo repository in DIR: a small ML service with code, data and a model, a policy
# on main, and two feature branches: `feature/retrain` (passes) and `feature/quick-fix` (blocked).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="${1:?usage: make-demo-repo.sh DIR}"
rm -rf "$dir"
mkdir -p "$dir"
cd "$dir"
export GIT_AUTHOR_NAME="Dana Developer" GIT_AUTHOR_EMAIL="dana@example.com"
export GIT_COMMITTER_NAME="Dana Developer" GIT_COMMITTER_EMAIL="dana@example.com"
export GIT_AUTHOR_DATE="2026-03-01T10:00:00Z" GIT_COMMITTER_DATE="2026-03-01T10:00:00Z"
git init -q -b main
git config commit.gpgsign false

mkdir -p .gate src data models/churn
cp "$here/policy.yaml" .gate/policy.yaml

cat > src/serve.py <<'PY'
"""Serves churn predictions."""
import json


def load_config(path):
    with open(path) as handle:
        return json.load(handle)
PY

cat > data/customers.csv <<'CSV'
customer_id,signup_date,plan,monthly_spend
1001,2025-01-04,basic,19.99
1002,2025-02-11,pro,49.00
CSV
cat > data/customers.schema.json <<'JSON'
{
  "fields": [
    {"name": "customer_id", "type": "integer", "constraints": {"required": true, "unique": true}},
    {"name": "signup_date", "type": "date"},
    {"name": "plan", "type": "string", "constraints": {"enum": ["basic", "pro", "enterprise"]}},
    {"name": "monthly_spend", "type": "number", "constraints": {"minimum": 0}}
  ],
  "primaryKey": ["customer_id"]
}
JSON

# A valid safetensors file: an 8-byte little-endian header length, a JSON header, the tensor.
python3 - models/churn/model.safetensors 0.5 <<'PY'
import json, struct, sys
path, value = sys.argv[1], float(sys.argv[2])
header = json.dumps({"weights": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
with open(path, "wb") as out:
    out.write(struct.pack("<Q", len(header)) + header + struct.pack("<2f", value, value))
PY
cat > models/churn/metrics.json <<'JSON'
{"accuracy": 0.91, "latency_ms": 12}
JSON
cat > models/churn/README.md <<'MD'
---
license: apache-2.0
datasets: [customers]
metrics: [accuracy]
---
# Churn model
MD
git add -A
git commit -q -m "Churn service with policy, data and model"

# A change that meets every requirement: retrained model with updated metrics.
git checkout -q -b feature/retrain
export GIT_AUTHOR_DATE="2026-03-02T10:00:00Z" GIT_COMMITTER_DATE="2026-03-02T10:00:00Z"
python3 - models/churn/model.safetensors 0.75 <<'PY'
import json, struct, sys
path, value = sys.argv[1], float(sys.argv[2])
header = json.dumps({"weights": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}).encode()
with open(path, "wb") as out:
    out.write(struct.pack("<Q", len(header)) + header + struct.pack("<2f", value, value))
PY
cat > models/churn/metrics.json <<'JSON'
{"accuracy": 0.93, "latency_ms": 11}
JSON
printf '1003,2025-03-20,enterprise,199.00\n' >> data/customers.csv
git add -A
git commit -q -m "Retrain churn model on March data"

# A change that must be blocked: a private key, a hard-coded credential, a pickled model that
# runs a shell command on load, and a model change without its metrics.
git checkout -q main
git checkout -q -b feature/quick-fix
export GIT_AUTHOR_DATE="2026-03-03T10:00:00Z" GIT_COMMITTER_DATE="2026-03-03T10:00:00Z"
mkdir -p deploy
cat > deploy/server.pem <<'PEM'
-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIDemoDemoDemoDemoDemoDemoDemoDemoDemoDemoDemo
-----END PRIVATE KEY-----
PEM
cat >> src/serve.py <<'PY'

AWS_ACCESS_KEY_ID = "AKIAZ7Q4T2XWB3M5K6WD"
AWS_SECRET_ACCESS_KEY = "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"
PY
python3 - models/churn/model.pkl <<'PY'
import os, pickle, sys

class Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned",))

with open(sys.argv[1], "wb") as out:
    pickle.dump(Payload(), out, protocol=2)
PY
printf '1004,2025-13-45,gold,-5\n' >> data/customers.csv
git add -A
git commit -q -m "quick fix"
git checkout -q main
echo "$dir"
