"""The embedded broker (purna/broker.py) on a SQLite file of its own: delivered messages, which kombu's
SQLAlchemy transport keeps, are deleted once an hour old, and the pending ones are left alone."""

import contextlib
import datetime as dt
import sqlite3

from kombu import Connection

from purna import broker


def test_delivered_messages_an_hour_old_are_pruned(tmp_path):
    with Connection(f"sqlite:///{tmp_path / 'broker.sqlite3'}", transport="purna.broker:Transport") as connection:
        channel = connection.default_channel
        queue = "prune-test"
        for n in range(3):
            channel._put(queue, {"body": f"message {n}"})
        assert channel._get(queue)["body"] == "message 0"  # delivered: kept, invisible
        assert channel._get(queue)["body"] == "message 1"
        model = channel.message_cls
        session = channel.session
        old = dt.datetime.now() - broker.PRUNE_AFTER  # noqa: DTZ005 (kombu's sent_at is naive local time) - dt.timedelta(minutes=1)
        first = session.query(model).order_by(model.id).first()
        first.sent_at = old
        session.commit()

        channel._pruned_at = 0.0
        assert channel._get(queue)["body"] == "message 2"

        left = [(m.payload, m.visible) for m in session.query(model).order_by(model.id)]
        assert len(left) == 2 and all("message 0" not in payload for payload, _visible in left)


def test_the_broker_file_is_in_wal_mode(tmp_path):
    """Queueing a task (the web server) and taking one (the workers) do not block each other's reads."""
    path = tmp_path / "broker.sqlite3"
    with Connection(f"sqlite:///{path}", transport="purna.broker:Transport") as connection:
        connection.default_channel._put("wal-test", {"body": "message"})
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
