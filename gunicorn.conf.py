"""gunicorn settings for Essaim (the Procfile passes `-c gunicorn.conf.py`)."""


def post_worker_init(worker):
    """Build this process's indexes and load the encoder before the first request is served,
    so that no visitor waits for them."""
    from app.extensions import db

    app = worker.wsgi
    with app.app_context():
        index = app.extensions["essaim.index"]
        for holder in (index.suppliers, index.postings):
            with holder.using(db.session) as matcher:
                matcher.encoder.encode_queries(["préchauffage"])
        db.session.rollback()
