"""Measuring: quality against gold files (`newsflow eval`, the owners' scorer) and speed (`newsflow bench`)."""
