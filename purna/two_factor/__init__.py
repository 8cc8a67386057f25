"""Staff two-factor sign-in: a TOTP app on the phone (django-otp), ten single-use recovery codes.

After the password (the usual login view), an account that needs a second factor (policy.py: staff roles
and every account that reaches the admin, set per role by superusers) gives a code before any staff or
admin page opens (middleware.py); one without a device enrols first (a QR code to scan, then the codes
shown once). Wrong codes count toward django-axes' lock-out like wrong passwords. A superuser can reset
an account's second factor (admin.py), which leaves a trace (TwoFactorEvent).
"""
