"""Reports coming in: by phone, the app API, the webform, a partner's registration or a historic import; their
attachments, addresses, receipts and the status notices to the reporter."""

# The modules with outbox handlers: imported with the package, so the outbox finds their topics.
from gdt.services.intake import receipts, reporter_updates  # noqa: F401
