"""Right answers for lesson 04, written differently from the solution: other formulas, classes, tenacity."""

RIGHT = {
    "4.1": [
        (
            "rng.random() scaled, rng.uniform(ceiling / 2, ceiling), and math.ldexp for the power of two",
            """
            import math

            def _ceiling(attempt, base, cap):
                return min(cap, math.ldexp(base, min(attempt - 1, 1000)))

            def full_jitter(attempt, *, base, cap, rng):
                return rng.random() * _ceiling(attempt, base, cap)

            def equal_jitter(attempt, *, base, cap, rng):
                ceiling = _ceiling(attempt, base, cap)
                return rng.uniform(ceiling / 2, ceiling)

            def decorrelated_jitter(previous, *, base, cap, rng):
                high = previous * 3
                return min(cap, rng.uniform(base, high))
            """,
        ),
        (
            "OverflowError caught instead of a bounded exponent",
            """
            def _ceiling(attempt, base, cap):
                try:
                    return min(cap, base * 2 ** (attempt - 1))
                except OverflowError:
                    return cap

            def full_jitter(attempt, *, base, cap, rng):
                return rng.uniform(0, _ceiling(attempt, base, cap))

            def equal_jitter(attempt, *, base, cap, rng):
                half = _ceiling(attempt, base, cap) / 2
                return half + rng.uniform(0, half)

            def decorrelated_jitter(previous, *, base, cap, rng):
                return min(rng.uniform(base, 3 * previous), cap)
            """,
        ),
    ],
    "4.2": [
        (
            "recursion on __cause__",
            """
            def is_transient(exc):
                if isinstance(exc, (TimeoutError, ConnectionError)):
                    return True
                return exc.__cause__ is not None and is_transient(exc.__cause__)
            """,
        ),
        (
            "a classifier object that guards against cycles",
            """
            class Classifier:
                transient = (TimeoutError, ConnectionError)

                def __call__(self, exc):
                    seen = set()
                    while exc is not None and id(exc) not in seen:
                        seen.add(id(exc))
                        if isinstance(exc, self.transient):
                            return True
                        exc = exc.__cause__
                    return False

            is_transient = Classifier()
            """,
        ),
    ],
    "4.3": [
        (
            "tenacity with the injected sleep, a custom stop for the deadline, and notes added outside",
            """
            def retry(op, *, retry_on, attempts=4, base=0.1, cap=5.0, deadline=None,
                      sleep=time.sleep, clock=time.monotonic, rng=random):
                start = clock()
                history = []

                def recorded():
                    try:
                        return op()
                    except Exception as exc:
                        history.append(f"attempt {len(history) + 1}/{attempts}: {type(exc).__name__}: {exc}")
                        raise

                def wait(state):
                    told = retry_on(state.outcome.exception())
                    if isinstance(told, (int, float)) and not isinstance(told, bool):
                        return told
                    return full_jitter(state.attempt_number, base=base, cap=cap, rng=rng)

                def stop(state):
                    if state.attempt_number >= attempts:
                        return True
                    return deadline is not None and clock() + state.upcoming_sleep > start + deadline

                policy = tenacity.Retrying(
                    stop=stop,
                    wait=wait,
                    # tenacity hands BaseExceptions to the predicate too: let Ctrl-C through
                    retry=tenacity.retry_if_exception(lambda e: isinstance(e, Exception) and retry_on(e)),
                    reraise=True,
                    sleep=sleep,
                )
                try:
                    return policy(recorded)
                except Exception as exc:
                    for line in history:
                        exc.add_note(line)
                    raise
            """,
        ),
        (
            "a callable class with a while loop and its own jitter",
            """
            class Retrier:
                def __call__(self, op, *, retry_on, attempts=4, base=0.1, cap=5.0, deadline=None,
                             sleep=time.sleep, clock=time.monotonic, rng=random):
                    give_up_at = None if deadline is None else clock() + deadline
                    attempt, lines = 0, []
                    while True:
                        attempt += 1
                        try:
                            return op()
                        except Exception as exc:
                            lines.append(f"attempt {attempt}/{attempts}: {type(exc).__name__}: {exc}")
                            answer = retry_on(exc) if attempt < attempts else False
                            if answer is False or not answer:
                                pause = None
                            elif answer is True or not isinstance(answer, (int, float)):
                                pause = rng.uniform(0, min(cap, base * 2 ** min(attempt - 1, 1000)))
                            else:
                                pause = answer
                            if pause is None or (give_up_at is not None and clock() + pause > give_up_at):
                                for line in lines:
                                    exc.add_note(line)
                                raise
                        sleep(pause)

            retry = Retrier()
            """,
        ),
    ],
    "4.4": [
        (
            "a plain def that returns a coroutine",
            """
            def aretry(op, **options):
                async def run(*, retry_on, attempts=4, base=0.1, cap=5.0, deadline=None,
                              sleep=asyncio.sleep, clock=time.monotonic, rng=random):
                    start, notes = clock(), []
                    for attempt in range(1, attempts + 1):
                        try:
                            return await op()
                        except Exception as exc:
                            notes.append(f"attempt {attempt}/{attempts}: {type(exc).__name__}: {exc}")
                            delay = full_jitter(attempt, base=base, cap=cap, rng=rng) if (
                                retry_on(exc) and attempt < attempts) else None
                            if delay is None or (deadline is not None and clock() + delay > start + deadline):
                                for note in notes:
                                    exc.add_note(note)
                                raise
                        await sleep(delay)
                return run(**options)
            """,
        ),
        (
            "tenacity's AsyncRetrying with the injected sleep",
            """
            async def aretry(op, *, retry_on, attempts=4, base=0.1, cap=5.0, deadline=None,
                             sleep=asyncio.sleep, clock=time.monotonic, rng=random):
                start, history = clock(), []
                policy = tenacity.AsyncRetrying(
                    stop=lambda s: s.attempt_number >= attempts
                    or (deadline is not None and clock() + s.upcoming_sleep > start + deadline),
                    wait=lambda s: full_jitter(s.attempt_number, base=base, cap=cap, rng=rng),
                    retry=tenacity.retry_if_exception(lambda e: isinstance(e, Exception) and retry_on(e)),
                    reraise=True,
                    sleep=sleep,
                )
                try:
                    async for attempt in policy:
                        with attempt:
                            try:
                                return await op()
                            except Exception as exc:
                                n = attempt.retry_state.attempt_number
                                history.append(f"attempt {n}/{attempts}: {type(exc).__name__}: {exc}")
                                raise
                except Exception as exc:
                    for line in history:
                        exc.add_note(line)
                    raise
            """,
        ),
    ],
    "4.5": [
        (
            "a dataclass with a plain available attribute",
            """
            from dataclasses import dataclass, field

            @dataclass
            class RetryQuota:
                capacity: int = 500
                retry_cost: int = field(default=5, kw_only=True)
                timeout_cost: int = field(default=10, kw_only=True)
                success_refund: int = field(default=1, kw_only=True)

                def __post_init__(self):
                    self.available = self.capacity

                def acquire(self, exc):
                    cost = self.timeout_cost if isinstance(exc, TimeoutError) else self.retry_cost
                    if self.available - cost < 0:
                        return 0
                    self.available -= cost
                    return cost

                def release(self, cost=0):
                    self.available = min(self.capacity, self.available + (cost if cost else self.success_refund))
            """,
        ),
        (
            "counts tokens spent instead of tokens left, with a threading lock",
            """
            import threading

            class RetryQuota:
                def __init__(self, capacity=500, *, retry_cost=5, timeout_cost=10, success_refund=1):
                    self._capacity, self._spent = capacity, 0
                    self._costs = (retry_cost, timeout_cost, success_refund)
                    self._lock = threading.Lock()

                @property
                def available(self):
                    return self._capacity - self._spent

                def acquire(self, exc):
                    retry_cost, timeout_cost, _ = self._costs
                    cost = timeout_cost if isinstance(exc, TimeoutError) else retry_cost
                    with self._lock:
                        if self._spent + cost > self._capacity:
                            return 0
                        self._spent += cost
                    return cost

                def release(self, cost=0):
                    with self._lock:
                        self._spent = max(0, self._spent - (cost or self._costs[2]))
            """,
        ),
    ],
    "4.6": [
        (
            "strict delay-seconds (digits only) and a helper for the header",
            """
            SAFE = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
            RETRY_STATUSES = frozenset({429, 502, 503, 504})

            def _retry_after(response):
                value = response.headers.get("Retry-After", "").strip()
                return float(value) if value.isdigit() else None

            def send_with_retry(client, request, *, attempts=4, base=0.1, cap=5.0, max_wait=60.0,
                                sleep=time.sleep, rng=random):
                if request.method not in SAFE and "idempotency-key" not in request.headers:
                    return client.send(request)
                notes = []
                attempt = 0
                while True:
                    attempt += 1
                    try:
                        response = client.send(request)
                    except httpx.TransportError as exc:
                        notes.append(f"attempt {attempt}/{attempts}: {type(exc).__name__}: {exc}")
                        if attempt >= attempts:
                            for note in notes:
                                exc.add_note(note)
                            raise
                        wait = None
                    else:
                        if response.status_code not in RETRY_STATUSES or attempt >= attempts:
                            return response
                        wait = _retry_after(response)
                        if wait is not None and wait > max_wait:
                            return response
                    if wait is None:
                        wait = full_jitter(attempt, base=base, cap=cap, rng=rng)
                    sleep(wait)
            """,
        ),
        (
            "math.isfinite on the parsed header, a for loop with else",
            """
            import math

            def send_with_retry(client, request, *, attempts=4, base=0.1, cap=5.0, max_wait=60.0,
                                sleep=time.sleep, rng=random):
                may_repeat = request.method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS") or (
                    request.headers.get("Idempotency-Key") is not None)
                if not may_repeat:
                    return client.send(request)
                history = []
                for attempt in range(1, attempts + 1):
                    last = attempt == attempts
                    try:
                        response = client.send(request)
                    except httpx.TransportError as exc:
                        history.append(f"attempt {attempt}/{attempts}: {type(exc).__name__}: {exc}")
                        if last:
                            for line in history:
                                exc.add_note(line)
                            raise
                        sleep(rng.uniform(0, min(cap, base * 2 ** (attempt - 1))))
                        continue
                    if last or response.status_code not in (429, 502, 503, 504):
                        return response
                    try:
                        asked = float(response.headers["Retry-After"])
                    except (KeyError, ValueError):
                        asked = math.nan
                    if math.isfinite(asked) and asked >= 0:
                        if asked > max_wait:
                            return response
                        sleep(asked)
                    else:
                        sleep(rng.uniform(0, min(cap, base * 2 ** (attempt - 1))))
                raise ValueError("attempts must be at least 1")
            """,
        ),
    ],
    "4.7": [
        (
            "stop_before_delay and wait_full_jitter (tenacity's other name for it)",
            """
            def safe_retrying(*, sleep=time.sleep):
                return tenacity.Retrying(
                    stop=tenacity.stop_after_attempt(5) | tenacity.stop_before_delay(30),
                    wait=tenacity.wait_full_jitter(multiplier=0.1, max=5),
                    retry=tenacity.retry_if_exception(is_transient),
                    reraise=True,
                    sleep=sleep,
                )
            """,
        ),
        (
            "a shared policy copied with the injected sleep",
            """
            POLICY = tenacity.Retrying(
                stop=tenacity.stop_any(tenacity.stop_after_attempt(5), tenacity.stop_after_delay(30)),
                wait=tenacity.wait_random_exponential(multiplier=0.1, max=5),
                retry=tenacity.retry_if_exception(lambda exc: is_transient(exc)),
                reraise=True,
            )

            def safe_retrying(*, sleep=time.sleep):
                return POLICY.copy(sleep=sleep)
            """,
        ),
    ],
}
