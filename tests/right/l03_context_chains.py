"""Right answers for lesson 03, written differently from the solution."""

RIGHT = {
    "3.1": [
        (
            "traceback.TracebackException from the standard library",
            """
            import traceback

            def links(exc):
                chain, te = [], traceback.TracebackException.from_exception(exc)
                objects, cur = [], exc
                # TracebackException keeps no objects, so walk its links alongside the exceptions
                while te is not None:
                    objects.append(cur)
                    if te.__cause__ is not None:
                        te, cur = te.__cause__, cur.__cause__
                    elif te.__context__ is not None and not te.__suppress_context__:
                        te, cur = te.__context__, cur.__context__
                    else:
                        te = None
                return objects
            """,
        ),
        (
            "a recursive generator with a list of ids",
            """
            def _walk(exc, seen):
                if exc is None or any(s is exc for s in seen):
                    return
                seen.append(exc)
                yield exc
                nxt = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
                yield from _walk(nxt, seen)

            def links(exc):
                return tuple(_walk(exc, []))
            """,
        ),
    ],
    "3.2": [
        (
            "a class with textwrap.indent and an io.StringIO",
            """
            import io
            import textwrap

            class AnyhowRenderer:
                def debug(self, exc):
                    out = io.StringIO()
                    first, *causes = links(exc)
                    out.write(str(first))
                    if causes:
                        out.write("\\n\\nCaused by:")
                    for n, cause in enumerate(causes):
                        head = f"{n:>5}: " if len(causes) > 1 else "    "
                        body = textwrap.indent(str(cause), " " * len(head), lambda line: True)
                        out.write("\\n" + head + body[len(head):])
                    return out.getvalue()

                def alternate(self, exc):
                    text = ""
                    for i, link in enumerate(links(exc)):
                        text += (": " if i else "") + str(link)
                    return text

            format_anyhow = AnyhowRenderer().debug
            format_oneline = AnyhowRenderer().alternate
            """,
        ),
        (
            "line by line, splitting each message",
            """
            def format_anyhow(exc):
                chain = links(exc)
                out = str(chain[0])
                causes = chain[1:]
                if not causes:
                    return out
                out += "\\n\\nCaused by:"
                numbered = len(causes) >= 2
                for n, cause in enumerate(causes):
                    for k, line in enumerate(str(cause).split("\\n")):
                        if k == 0:
                            out += "\\n" + (str(n).rjust(5) + ": " if numbered else "    ") + line
                        else:
                            out += "\\n" + (" " * 7 if numbered else " " * 4) + line
                return out

            def format_oneline(exc):
                return ": ".join(map(str, links(exc)))
            """,
        ),
    ],
    "3.3": [
        (
            "a for loop with an early return",
            """
            def find_cause(exc, kind):
                for link in links(exc):
                    if isinstance(link, kind):
                        return link
                return None
            """,
        ),
        (
            "its own walk with a cycle guard, without links()",
            """
            def find_cause(exc, kind):
                seen = set()
                while exc is not None and id(exc) not in seen:
                    if isinstance(exc, kind):
                        return exc
                    seen.add(id(exc))
                    if exc.__cause__ is not None:
                        exc = exc.__cause__
                    else:
                        exc = None if exc.__suppress_context__ else exc.__context__
                return None
            """,
        ),
    ],
    "3.4": [
        (
            "an explicit stack instead of recursion",
            """
            def failure_report(eg):
                lines, stack = [], [iter(eg.exceptions)]
                while stack:
                    member = next(stack[-1], None)
                    if member is None:
                        stack.pop()
                    elif isinstance(member, BaseExceptionGroup):
                        stack.append(iter(member.exceptions))
                    else:
                        tag = "retry" if find_cause(member, TimeoutError) else "fail"
                        lines.append(tag + ": " + format_oneline(member))
                return lines
            """,
        ),
        (
            "a generator of leaves and a tuple result",
            """
            def _leaves(group):
                for member in group.exceptions:
                    if isinstance(member, BaseExceptionGroup):
                        yield from _leaves(member)
                    else:
                        yield member

            def failure_report(eg):
                return tuple(
                    f"{'retry' if any(isinstance(e, TimeoutError) for e in links(m)) else 'fail'}: "
                    + ": ".join(str(e) for e in links(m))
                    for m in _leaves(eg)
                )
            """,
        ),
    ],
    "3.5": [
        (
            "asyncio.gather with return_exceptions=True",
            """
            async def provision_all(cluster):
                try:
                    client = cluster.connect()
                except ConnectionError as exc:
                    raise RuntimeError(f"connecting to cluster {cluster.name}") from exc
                try:
                    nodes = client.list_nodes()
                except ConnectionError as exc:
                    raise RuntimeError("listing cluster nodes") from exc
                results = await asyncio.gather(*(client.aprovision_gpu(n) for n in nodes), return_exceptions=True)
                failures = []
                for node, result in zip(nodes, results):
                    if isinstance(result, BaseException):
                        try:
                            raise RuntimeError(f"provisioning GPU on node {node}") from result
                        except RuntimeError as failure:
                            failures.append(failure)
                if failures:
                    raise ExceptionGroup(f"{len(failures)} of {len(nodes)} nodes failed", failures)
                return list(results)
            """,
        ),
        (
            "a class holding results by node, TaskGroup tasks that never raise",
            """
            class Reconciler:
                def __init__(self, cluster):
                    self.cluster = cluster
                    self.outcome = {}

                async def one(self, client, node):
                    try:
                        self.outcome[node] = await client.aprovision_gpu(node)
                    except Exception as exc:
                        error = RuntimeError(f"provisioning GPU on node {node}")
                        error.__cause__ = exc
                        self.outcome[node] = error

                async def run(self):
                    try:
                        client = self.cluster.connect()
                        nodes = client.list_nodes()
                    except OSError as exc:
                        raise RuntimeError(f"connecting to cluster {self.cluster.name}") from exc
                    async with asyncio.TaskGroup() as tg:
                        for node in nodes:
                            tg.create_task(self.one(client, node))
                    failed = [self.outcome[n] for n in nodes if isinstance(self.outcome[n], Exception)]
                    if failed:
                        raise ExceptionGroup(f"{len(failed)} of {len(nodes)} nodes failed", failed)
                    return [self.outcome[n] for n in nodes]

            async def provision_all(cluster):
                return await Reconciler(cluster).run()
            """,
        ),
    ],
}
