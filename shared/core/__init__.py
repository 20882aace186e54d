"""The core: events, their codec, what a stage is, the batch core and settings.

It never imports a service, an adapter or an entry point; everything else imports it.
"""
