"""A WSGI app that knows nothing of GDT: gunicorn's own configuration must mask link tokens without the app's help."""


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
