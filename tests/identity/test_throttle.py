"""Failed client authentications: a key past its limit waits until its oldest failure leaves the window."""

from __future__ import annotations

from hub.identity.throttle import FailureThrottle


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_throttled_at_its_limit_and_free_once_the_window_passes() -> None:
    clock = Clock()
    throttle = FailureThrottle(3, 60.0, clock=clock)
    for _ in range(2):
        throttle.failed(["client:a", "address:1"])
        clock.now += 10
    assert throttle.retry_after(["client:a"]) is None
    throttle.failed(["client:a", "address:1"])
    assert throttle.retry_after(["client:a"]) == 40  # the first failure leaves the window 40 s from now
    assert throttle.retry_after(["client:b", "address:1"]) == 40
    assert throttle.retry_after(["client:b", "address:2"]) is None
    clock.now += 40
    assert throttle.retry_after(["client:a", "address:1"]) is None


def test_a_throttle_remembers_at_most_limit_failures_per_key() -> None:
    clock = Clock()
    throttle = FailureThrottle(2, 5.0, clock=clock)
    for _ in range(1000):
        throttle.failed(["client:a"])
    assert throttle.retry_after(["client:a"]) == 5
    clock.now += 5
    assert throttle.retry_after(["client:a"]) is None
