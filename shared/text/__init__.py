"""Plain-text helpers every service may use: sentence bounds without a model."""
