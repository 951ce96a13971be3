"""The chat counts from k6 summaries with known gaps and duplicates (and one where none was counted)."""

import json

from sandboxlab import chat


def summary(tmp_path, metrics: dict):
    (tmp_path / "summary.json").write_text(json.dumps({"metrics": {
        name: {"type": "counter", "values": {"count": count, "rate": 0.5}} for name, count in metrics.items()}}))
    return tmp_path


def test_gaps_and_duplicates_are_read_as_the_clients_counted_them(tmp_path):
    counts = chat.counted(summary(tmp_path, {"chat_gaps": 7, "chat_duplicates": 2, "chat_replayed": 40, "http_reqs": 9}))

    assert counts["chat_gaps"] == 7 and counts["chat_duplicates"] == 2 and counts["chat_replayed"] == 40


def test_a_counter_k6_never_incremented_is_zero(tmp_path):
    counts = chat.counted(summary(tmp_path, {"chat_replayed": 3}))

    assert counts["chat_gaps"] == 0 and counts["chat_duplicates"] == 0 and counts["chat_replayed"] == 3
