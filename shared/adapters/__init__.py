"""Adapters to the outside: every Kafka client (`kafka`), the workers' metrics, probes and logs
(`observability`). Redis lives with the dedup service's index; the faust runner in `newsflow.runners`."""
