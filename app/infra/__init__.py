"""Infrastructure the use cases run on: the job queue, the index holder, the mail transport.

Each piece is built from `app.config` in `create_app` and kept in `app.extensions`; nothing here
holds business rules.
"""
