"""Settings the admin changes at run time (not deployment settings, which live in config.py)."""
import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import db


class AppSetting(db.Model):
    __tablename__ = "app_settings"

    key: so.Mapped[str] = so.mapped_column(sa.String(60), primary_key=True)
    value: so.Mapped[str] = so.mapped_column(sa.String(200))
