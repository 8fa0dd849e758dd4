"""What the browser and hub tests do without Chromium or the proxy, and the pins that install them."""

from __future__ import annotations

import re

import pytest

from tests._system import unavailable
from tests.conftest import ROOT

CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_missing_tool_skips_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the CI flag, a missing tool skips the test and says what to install."""
    monkeypatch.delenv("FAULTLAB_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install chromium"):
        unavailable("install chromium", "FAULTLAB_REQUIRE_BROWSER")


def test_missing_tool_fails_under_the_ci_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """With FAULTLAB_REQUIRE_BROWSER=1 the same reason fails the test instead."""
    monkeypatch.setenv("FAULTLAB_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match=r"install chromium \(FAULTLAB_REQUIRE_BROWSER=1"):
        unavailable("install chromium", "FAULTLAB_REQUIRE_BROWSER")


def test_ci_requires_the_browser_and_hub_tests() -> None:
    """.ci/run sets both flags before `make test`, so CI never passes by skipping them."""
    flags = CI.index("FAULTLAB_REQUIRE_BROWSER=1 FAULTLAB_REQUIRE_HUB=1")
    assert flags < CI.index("make test")
    assert "playwright install" not in CI


def test_documented_proxy_version_is_the_one_ci_installs() -> None:
    """CONTRIBUTING.md names the configurable-http-proxy version that .ci/run pins."""
    pinned = re.search(r"^CHP_VERSION=(\S+)$", CI, re.M)
    assert pinned
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert re.findall(r"configurable-http-proxy@([\w.]+)", contributing) == [pinned.group(1)]
