"""The quotes stage: quotation marks paired, speech told from titles and scare quotes, speakers resolved."""
