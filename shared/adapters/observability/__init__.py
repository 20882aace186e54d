"""Observability of the workers: Prometheus metrics, liveness/readiness endpoints, JSON logs.

Modules, one concern each:

- `logjson`: a logging formatter writing one JSON object a line (stage, topic, partition,
  offset, article_id from `extra=`), and the logging config the worker installs;
- `metrics`: `PrometheusObserver`, the runner's `BatchObserver` that counts into a
  per-worker `CollectorRegistry`;
- `lag`: consumer lag per assigned partition, from the consumer's highwater and committed
  offsets;
- `health`: liveness/readiness state and the HTTP server of /metrics, /healthz, /readyz;
- `runtime`: wires the above into one faust app (`WorkerObservability`).

Nothing here connects or binds at import time.
"""
