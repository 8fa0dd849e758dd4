"""Known-wrong answers for lesson 03: the classic mistakes with chains and groups."""

WRONG = {
    "3.1": [
        (
            "follows only __cause__, so an implicit context is lost",
            """
            def links(exc):
                chain = [exc]
                while chain[-1].__cause__ is not None and chain[-1].__cause__ not in chain:
                    chain.append(chain[-1].__cause__)
                return chain
            """,
            "incorrect",
        ),
        (
            "follows __context__ even after raise ... from None",
            """
            def links(exc):
                chain, seen, cur = [], set(), exc
                while cur is not None and id(cur) not in seen:
                    seen.add(id(cur))
                    chain.append(cur)
                    cur = cur.__cause__ if cur.__cause__ is not None else cur.__context__
                return chain
            """,
            "incorrect",
        ),
        (
            "no cycle guard: never ends on a loop",
            """
            def links(exc):
                chain, cur = [], exc
                while cur is not None:
                    chain.append(cur)
                    if cur.__cause__ is not None:
                        cur = cur.__cause__
                    elif cur.__suppress_context__:
                        cur = None
                    else:
                        cur = cur.__context__
                return chain
            """,
            "incorrect",
        ),
        (
            "root cause first, as Python's traceback prints it",
            """
            _outer_first = links

            def links(exc):
                return list(reversed(_outer_first(exc)))
            """,
            "incorrect",
        ),
        (
            "delegates to faultlab's reference",
            """
            import faultlab

            def links(exc):
                return faultlab.chain_of(exc)
            """,
            "incorrect",
        ),
    ],
    "3.2": [
        (
            "prints the root cause first",
            """
            def format_anyhow(exc):
                *causes, first = links(exc)
                lines = [str(first)]
                if causes:
                    lines += ["", "Caused by:"]
                    for i, cause in enumerate(reversed(causes)):
                        head = f"{i:>5}: " if len(causes) > 1 else "    "
                        lines.append(head + str(cause).replace("\\n", "\\n" + " " * len(head)))
                return "\\n".join(lines)
            """,
            "incorrect",
        ),
        (
            "numbers a single cause",
            """
            def format_anyhow(exc):
                first, *causes = links(exc)
                lines = [str(first)]
                if causes:
                    lines += ["", "Caused by:"]
                    for i, cause in enumerate(causes):
                        head = f"{i:>5}: "
                        lines.append(head + str(cause).replace("\\n", "\\n" + " " * len(head)))
                return "\\n".join(lines)
            """,
            "incorrect",
        ),
        (
            "does not indent the later lines of a multi-line cause",
            """
            def format_anyhow(exc):
                first, *causes = links(exc)
                lines = [str(first)]
                if causes:
                    lines += ["", "Caused by:"]
                    for i, cause in enumerate(causes):
                        head = f"{i:>5}: " if len(causes) > 1 else "    "
                        lines.append(head + str(cause))
                return "\\n".join(lines)
            """,
            "incorrect",
        ),
        (
            "four spaces before every number, so 10 and up are misaligned",
            """
            def format_anyhow(exc):
                first, *causes = links(exc)
                lines = [str(first)]
                if causes:
                    lines += ["", "Caused by:"]
                    for i, cause in enumerate(causes):
                        head = f"    {i}: " if len(causes) > 1 else "    "
                        lines.append(head + str(cause).replace("\\n", "\\n" + " " * len(head)))
                return "\\n".join(lines)
            """,
            "incorrect",
        ),
        (
            "prints the 'Error: ' that Rust's main adds",
            """
            _plain = format_anyhow

            def format_anyhow(exc):
                return "Error: " + _plain(exc)
            """,
            "incorrect",
        ),
        (
            "one-line form joined with ' -> '",
            """
            def format_oneline(exc):
                return " -> ".join(str(e) for e in links(exc))
            """,
            "incorrect",
        ),
        (
            "delegates to faultlab's reference",
            """
            import faultlab

            def format_anyhow(exc):
                return faultlab.format_chain(exc, types=False, prefix="")
            """,
            "incorrect",
        ),
    ],
    "3.3": [
        (
            "looks only at the root cause",
            """
            def find_cause(exc, kind):
                root = links(exc)[-1]
                return root if isinstance(root, kind) else None
            """,
            "incorrect",
        ),
        (
            "exact type match, so subclasses are missed",
            """
            def find_cause(exc, kind):
                kinds = kind if isinstance(kind, tuple) else (kind,)
                return next((e for e in links(exc) if type(e) in kinds), None)
            """,
            "incorrect",
        ),
        (
            "returns the innermost match, not the outermost",
            """
            def find_cause(exc, kind):
                return next((e for e in reversed(links(exc)) if isinstance(e, kind)), None)
            """,
            "incorrect",
        ),
        (
            "looks behind raise ... from None",
            """
            def find_cause(exc, kind):
                seen, cur = set(), exc
                while cur is not None and id(cur) not in seen:
                    if isinstance(cur, kind):
                        return cur
                    seen.add(id(cur))
                    cur = cur.__cause__ or cur.__context__
                return None
            """,
            "incorrect",
        ),
        (
            "returns True instead of the exception",
            """
            def find_cause(exc, kind):
                return True if any(isinstance(e, kind) for e in links(exc)) else None
            """,
            "incorrect",
        ),
    ],
    "3.4": [
        (
            "reports only the first failure",
            """
            def failure_report(eg):
                first = eg.exceptions[0]
                while isinstance(first, BaseExceptionGroup):
                    first = first.exceptions[0]
                verdict = "retry" if find_cause(first, TimeoutError) is not None else "fail"
                return [f"{verdict}: {format_oneline(first)}"]
            """,
            "incorrect",
        ),
        (
            "does not recurse into nested groups",
            """
            def failure_report(eg):
                return [
                    ("retry" if find_cause(m, TimeoutError) is not None else "fail") + ": " + format_oneline(m)
                    for m in eg.exceptions
                ]
            """,
            "incorrect",
        ),
        (
            "drops each failure's chain",
            """
            def failure_report(eg):
                lines = []
                for m in eg.exceptions:
                    if isinstance(m, BaseExceptionGroup):
                        lines += failure_report(m)
                    else:
                        lines.append(("retry" if find_cause(m, TimeoutError) is not None else "fail") + f": {m}")
                return lines
            """,
            "incorrect",
        ),
        (
            "classifies by the outer type, so a buried timeout is missed",
            """
            def failure_report(eg):
                lines = []
                for m in eg.exceptions:
                    if isinstance(m, BaseExceptionGroup):
                        lines += failure_report(m)
                    else:
                        lines.append(("retry" if isinstance(m, TimeoutError) else "fail") + ": " + format_oneline(m))
                return lines
            """,
            "incorrect",
        ),
        (
            "only the leaves of split(), which loses the tree order",
            """
            def failure_report(eg):
                timeouts, others = eg.split(lambda e: find_cause(e, TimeoutError) is not None)

                def leaves(g):
                    if g is None:
                        return []
                    out = []
                    for m in g.exceptions:
                        out += leaves(m) if isinstance(m, BaseExceptionGroup) else [m]
                    return out

                return [f"retry: {format_oneline(m)}" for m in leaves(timeouts)] + [
                    f"fail: {format_oneline(m)}" for m in leaves(others)
                ]
            """,
            "incorrect",
        ),
    ],
    "3.5": [
        (
            "a plain TaskGroup: the first failure cancels the other nodes",
            """
            async def provision_all(cluster):
                try:
                    client = cluster.connect()
                except OSError as exc:
                    raise RuntimeError(f"connecting to cluster {cluster.name}") from exc
                nodes = client.list_nodes()

                async def provision(node):
                    try:
                        return await client.aprovision_gpu(node)
                    except Exception as exc:
                        raise RuntimeError(f"provisioning GPU on node {node}") from exc

                try:
                    async with asyncio.TaskGroup() as group:
                        tasks = [group.create_task(provision(node)) for node in nodes]
                except* RuntimeError as eg:
                    raise ExceptionGroup(f"{len(eg.exceptions)} of {len(nodes)} nodes failed", list(eg.exceptions))
                return [t.result() for t in tasks]
            """,
            "incorrect",
        ),
        (
            "raises only the first failure",
            """
            async def provision_all(cluster):
                try:
                    client = cluster.connect()
                except OSError as exc:
                    raise RuntimeError(f"connecting to cluster {cluster.name}") from exc
                nodes = client.list_nodes()
                results = await asyncio.gather(*(client.aprovision_gpu(n) for n in nodes), return_exceptions=True)
                for node, result in zip(nodes, results):
                    if isinstance(result, Exception):
                        raise RuntimeError(f"provisioning GPU on node {node}") from result
                return results
            """,
            "incorrect",
        ),
        (
            "one node after another, not concurrently",
            """
            async def provision_all(cluster):
                try:
                    client = cluster.connect()
                except OSError as exc:
                    raise RuntimeError(f"connecting to cluster {cluster.name}") from exc
                nodes = client.list_nodes()
                results, failures = [], []
                for node in nodes:
                    try:
                        results.append(await client.aprovision_gpu(node))
                    except Exception as exc:
                        failure = RuntimeError(f"provisioning GPU on node {node}")
                        failure.__cause__ = exc
                        failures.append(failure)
                if failures:
                    raise ExceptionGroup(f"{len(failures)} of {len(nodes)} nodes failed", failures)
                return results
            """,
            "incorrect",
        ),
        (
            "failures in the order they finished, not node order",
            """
            async def provision_all(cluster):
                try:
                    client = cluster.connect()
                except OSError as exc:
                    raise RuntimeError(f"connecting to cluster {cluster.name}") from exc
                nodes = client.list_nodes()
                failures = []

                async def provision(node):
                    try:
                        return await client.aprovision_gpu(node)
                    except Exception as exc:
                        failure = RuntimeError(f"provisioning GPU on node {node}")
                        failure.__cause__ = exc
                        failures.append(failure)

                results = await asyncio.gather(*(provision(n) for n in nodes))
                if failures:
                    raise ExceptionGroup(f"{len(failures)} of {len(nodes)} nodes failed", failures)
                return results
            """,
            "incorrect",
        ),
        (
            "the node's error is lost: no __cause__",
            """
            async def provision_all(cluster):
                try:
                    client = cluster.connect()
                except OSError as exc:
                    raise RuntimeError(f"connecting to cluster {cluster.name}") from exc
                nodes = client.list_nodes()
                results = await asyncio.gather(*(client.aprovision_gpu(n) for n in nodes), return_exceptions=True)
                failures = [
                    RuntimeError(f"provisioning GPU on node {n}")
                    for n, r in zip(nodes, results)
                    if isinstance(r, Exception)
                ]
                if failures:
                    raise ExceptionGroup(f"{len(failures)} of {len(nodes)} nodes failed", failures)
                return results
            """,
            "incorrect",
        ),
        (
            "the connection error escapes untranslated",
            """
            async def provision_all(cluster):
                client = cluster.connect()
                nodes = client.list_nodes()
                results = await asyncio.gather(*(client.aprovision_gpu(n) for n in nodes), return_exceptions=True)
                failures = []
                for n, r in zip(nodes, results):
                    if isinstance(r, Exception):
                        failure = RuntimeError(f"provisioning GPU on node {n}")
                        failure.__cause__ = r
                        failures.append(failure)
                if failures:
                    raise ExceptionGroup(f"{len(failures)} of {len(nodes)} nodes failed", failures)
                return results
            """,
            "incorrect",
        ),
    ],
}
