"""Reports coming in: by phone, the app API, the webform, a partner's registration or a historic import; their
attachments, addresses, receipts and the status notices to the reporter."""
