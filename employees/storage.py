"""Private file storage: kept in purna/storage.py (the generated documents use it too); this name stays
for the models and migrations that refer to it."""

from purna.storage import PrivateFileSystemStorage, PrivateStorage, private_storage

__all__ = ["PrivateFileSystemStorage", "PrivateStorage", "private_storage"]
