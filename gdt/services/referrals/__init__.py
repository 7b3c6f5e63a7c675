"""Referrals to the spatial domain or a chain partner: creating them, delivering them (mail, webhook), the
partner's feedback and what a partner may see of a referral or case."""
