"""SecantusDB 0.7.0b3: an index built while a transaction is open misses the document the transaction writes.

Usage: python secantusdb_index_build_in_transaction.py [existing-collection|new-collection]
(with secantusdb and pymongo installed in the running Python's environment).
"""
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pymongo


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


port = free_port()
storage = tempfile.mkdtemp()
executable = str(Path(sys.executable).with_name("secantusd-py"))
server = subprocess.Popen([executable, "--host", "127.0.0.1", "--port", str(port), "--storage-path", storage],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    client = pymongo.MongoClient(f"mongodb://127.0.0.1:{port}/?directConnection=true")
    for _ in range(100):
        try:
            client.admin.command("ping")
            break
        except Exception:
            time.sleep(0.2)
    db = client.repro
    db.other.insert_one({"x": 0})
    scenario = sys.argv[1] if len(sys.argv) > 1 else "existing-collection"
    if scenario == "existing-collection":
        db.log.insert_one({"case": "A", "n": 0})
    with client.start_session() as session, session.start_transaction():
        db.other.insert_one({"x": 1}, session=session)          # the transaction's snapshot is taken here
        db.log.create_index("case")                             # another connection builds an index
        db.log.insert_one({"case": "B", "n": 1}, session=session)  # written in the transaction
    # on MongoDB 7 the insert above fails with WriteConflict (TransientTransactionError) instead
    natural = sorted(d["_id"] for d in db.log.find({}).hint([("$natural", 1)]))
    indexed = sorted(d["_id"] for d in db.log.find({}).hint("case_1"))
    print(scenario, "natural:", len(natural), "case_1:", len(indexed), "missing:", set(natural) - set(indexed))
finally:
    server.terminate()
    server.wait()
