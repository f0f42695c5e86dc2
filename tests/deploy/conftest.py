"""Deployment tests run only when asked for (``-m deploy``, as ``make test`` does once)."""


def pytest_collection_modifyitems(config, items):
    if "deploy" in (config.getoption("markexpr") or ""):
        return
    kept = [item for item in items if item.get_closest_marker("deploy") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("deploy") is not None])
        items[:] = kept
