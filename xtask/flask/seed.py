"""Seeds the tutorial Flask app's SQLite database with the S world of our bench database.

Usage (with the venv's python, so Flask and SQLAlchemy are importable):

    FLASK_APP_DIR=/work/flask/app python seed.py OUR_S_DB FLASK_DB

OUR_S_DB is the database `cargo xtask bench --scale S` seeded (read only: opened with
`mode=ro`, its WAL included); FLASK_DB is created (it must not exist). The Flask app of
`miguelgrinberg/microblog` at tag v0.10 makes its own tables through its models
(`db.create_all()`: the same tables and indexes its migrations make), then the world is
copied in bulk: users with the same ids, usernames, emails, about_me and last_seen and ONE
werkzeug hash of the shared bench password for all; posts with the same ids, bodies and
authors, their INTEGER microsecond timestamps turned into naive UTC datetimes (what the
app's `DateTime` columns hold on SQLite); and every follow.
"""

import os
import sqlite3
import sys
import time
from datetime import datetime, timedelta

# The password `cargo xtask bench` gives every seeded user (xtask/src/bench/seed.rs).
PASSWORD = "benchmark password"

EPOCH = datetime(1970, 1, 1)


def from_micros(micros):
    return EPOCH + timedelta(microseconds=micros) if micros is not None else None


def main():
    if len(sys.argv) != 3:
        sys.exit(f"usage: {sys.argv[0]} OUR_S_DB FLASK_DB")
    source_path, target_path = (os.path.abspath(p) for p in sys.argv[1:])
    if os.path.exists(target_path):
        sys.exit(f"{target_path} exists; remove it first")
    app_dir = os.path.abspath(os.environ.get("FLASK_APP_DIR", "/work/flask/app"))
    if not os.path.isfile(os.path.join(app_dir, "microblog.py")):
        sys.exit(f"no microblog.py in {app_dir} (set FLASK_APP_DIR to the v0.10 checkout)")

    started = time.monotonic()
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    users = source.execute(
        "SELECT id, username, email, about_me, last_seen FROM user ORDER BY id"
    ).fetchall()
    posts = source.execute(
        "SELECT id, body, timestamp, user_id FROM post ORDER BY id"
    ).fetchall()
    follows = source.execute(
        "SELECT follower_id, followed_id FROM followers ORDER BY follower_id, followed_id"
    ).fetchall()
    source.close()

    # The app reads its database from DATABASE_URL when `config` is imported. When not in
    # debug mode it also makes `logs/` in the working directory: keep that beside the db.
    os.environ["DATABASE_URL"] = "sqlite:///" + target_path
    os.environ.pop("FLASK_DEBUG", None)
    os.chdir(os.path.dirname(target_path))
    sys.path.insert(0, app_dir)
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash
    from app import app, db
    from app.models import Post, User, followers

    password_hash = generate_password_hash(PASSWORD)
    with app.app_context():
        db.create_all()
        conn = db.session.connection()
        conn.execute(
            sa.insert(User),
            [
                {
                    "id": uid,
                    "username": username,
                    "email": email,
                    "password_hash": password_hash,
                    "about_me": about_me or None,
                    "last_seen": from_micros(last_seen),
                }
                for uid, username, email, about_me, last_seen in users
            ],
        )
        conn.execute(
            sa.insert(Post),
            [
                {"id": pid, "body": body, "timestamp": from_micros(ts), "user_id": uid}
                for pid, body, ts, uid in posts
            ],
        )
        conn.execute(
            sa.insert(followers),
            [{"follower_id": a, "followed_id": b} for a, b in follows],
        )
        db.session.commit()
        counts = [
            db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in (User.__table__, Post.__table__, followers)
        ]
    expected = [len(users), len(posts), len(follows)]
    if counts != expected:
        sys.exit(f"copied {counts} rows, expected {expected}")
    print(
        f"seeded {target_path}: {counts[0]} users, {counts[1]} posts, {counts[2]} follows "
        f"in {time.monotonic() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
