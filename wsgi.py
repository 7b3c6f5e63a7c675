"""WSGI entry point: gunicorn wsgi:app, flask --app wsgi …"""
from gdt import create_app

app = create_app()
