"""The normalize stage: scraped body in, clean story text out."""
