#!/bin/sh
# Container entrypoint for `gate log serve`. Mount the settings at /etc/gate (serve.yaml, the log
# key, trusted decision keys, JWKS files) and a volume at /var/lib/gate-log for the log itself.
# Environment (each optional, overriding the file):
#   GATE_SERVE_CONFIG  the settings file          (default /etc/gate/serve.yaml)
#   GATE_SERVE_LISTEN  HOST:PORT to listen on     (default 0.0.0.0:8080 inside the container)
# Any arguments are passed on to `gate log serve`.
set -eu
config="${GATE_SERVE_CONFIG:-/etc/gate/serve.yaml}"
listen="${GATE_SERVE_LISTEN:-0.0.0.0:8080}"
if [ ! -r "$config" ]; then
  echo "gate-log: no settings at $config; mount them or set GATE_SERVE_CONFIG" >&2
  exit 2
fi
# exec: gate replaces the shell and receives the container's SIGTERM directly.
exec gate log serve --config "$config" --listen "$listen" "$@"
