"""Adapters to the outside: every Kafka client (`kafka`), the faust runner of a stage (`faust_runner`),
the workers' metrics, probes and logs (`observability`). Redis lives with the dedup service's index."""
