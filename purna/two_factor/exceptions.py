class TwoFactorError(Exception):
    """A second-factor action refused; the message is for the person (Indonesian by default)."""
