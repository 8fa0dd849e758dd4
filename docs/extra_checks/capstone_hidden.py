"""Hidden schedules for lesson 08 (the capstone): faults a learner's ``deploy`` never met in the notebook.

For instructors only: this folder is not in the student bundle (``faultlab release`` copies
notebooks/, exercises/ and src/ only). Grade with::

    cp docs/extra_checks/capstone_hidden.py ~/private/ && chmod 600 ~/private/capstone_hidden.py
    faultlab grade CLASS_DIR --out OUT --extra-checks ~/private/capstone_hidden.py

Each check runs the learner's ``deploy(env, raw)`` end to end through ``PipelineLab`` under a
schedule of its own, judged with the lesson's own helpers, and adds its points to the exercise
whose behaviour it probes. A learner who fails one sees only its ``feedback``.
"""

from faultlab.exercises.lessons.l08_capstone import judge_group, observe_run
from faultlab.grader import ExtraCheck, Probe, expect, is_a, raised
from faultlab.labs import Schedule

#: gpu-worker-05 never answers; attempts are shorter than the default (the build needs 26 s) and fewer.
SLOW_NODE = Schedule(
    "a node that never answers",
    "gpu-worker-05 hangs on every provisioning call; 27 s per attempt, 3 attempts, a 200 s deadline",
    "retries the node 3 times with 27 s timeouts, reports it alone in the group, deploys the other four",
    node_faults=(("gpu-worker-05", "timeout"),),
    config=(("attempt_timeout", 27.0), ("attempts", 3), ("deadline", 200.0)),
    seed=81,
)

#: A build step fails once: a retry would hide it.
FAILING_BUILD = Schedule(
    "a failing build step",
    "step 3 of the next build exits 1 (CalledProcessError)",
    "fails fast: one build, no sleep, DeployError(stage='build') raised from the CalledProcessError",
    stage_faults=(("build", "failing step", 1),),
    seed=82,
)


def observe_slow_node(probe: Probe) -> dict:
    return observe_run(probe, SLOW_NODE)


def judge_slow_node(data: dict) -> None:
    name = SLOW_NODE.name
    judge_group(data, name, {"gpu-worker-05": "TimeoutError"}, attempts=3)
    limit = data["config"]["attempt_timeout"]
    for op, target, start, _end, timeout, _outcome in data["calls"]:
        expect(
            isinstance(timeout, int | float) and timeout <= limit + 1e-6,
            f"under {name!r} every call's timeout should be at most config.attempt_timeout",
            expected=f"{op}({target}) with timeout <= {limit:g}s",
            got=f"timeout={timeout!r} at t={start:g}s",
        )
    expect(data["end"] <= data["deadline"], f"under {name!r} the run should end by the deadline")


def observe_failing_build(probe: Probe) -> dict:
    return observe_run(probe, FAILING_BUILD)


def judge_failing_build(data: dict) -> None:
    name = FAILING_BUILD.name
    exc = raised(data["outcome"], f"under {name!r} deploy should raise DeployError")
    expect(is_a(exc, "DeployError"), f"under {name!r} deploy should raise DeployError", expected="DeployError",
           got=exc["type"])  # fmt: skip
    expect(exc["fields"].get("stage") == "build", f"under {name!r} DeployError.stage should be 'build'")
    builds = [c for c in data["calls"] if c[0] == "build"]
    expect(len(builds) == 1 and not data["sleeps"], f"under {name!r} a failed build step is permanent: build once",
           expected="1 build, no sleep", got=f"{len(builds)} builds, {len(data['sleeps'])} sleeps")  # fmt: skip
    cause = exc.get("cause")
    expect(isinstance(cause, dict) and is_a(cause, "CalledProcessError"),
           f"under {name!r} keep the CalledProcessError as the cause")  # fmt: skip
    expect(not data["provisioned"], f"under {name!r} no node should be provisioned")


EXTRA_CHECKS = [
    ExtraCheck("8.5", SLOW_NODE.name, 2, observe_slow_node, judge_slow_node,
               feedback="deploy mishandles a node that never answers: check its timeouts and retries per node."),
    ExtraCheck("8.4", FAILING_BUILD.name, 1, observe_failing_build, judge_failing_build,
               feedback="deploy mishandles a permanent failure in another stage than the push."),
]  # fmt: skip
