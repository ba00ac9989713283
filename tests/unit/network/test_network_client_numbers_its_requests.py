"""STANs run from 1 to 999999 and start again, never twice at once across threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from mercato.network import NetworkClient


def test_stans_run_to_999999_then_start_again_at_1() -> None:
    with NetworkClient("127.0.0.1", 9, timeout=1) as client:  # never connects: nothing is sent
        stans = [client.next_stan() for _ in range(999_999)]
        assert stans[0] == 1
        assert stans[-1] == 999_999
        assert client.next_stan() == 1


def test_threads_drawing_stans_at_once_never_get_the_same_one() -> None:
    with NetworkClient("127.0.0.1", 9, timeout=1) as client, ThreadPoolExecutor(8) as pool:
        batches = pool.map(lambda _: [client.next_stan() for _ in range(2000)], range(8))
        stans = [stan for batch in batches for stan in batch]
    assert len(set(stans)) == len(stans) == 16_000
