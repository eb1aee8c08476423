"""Start the real action server, Rasa server and gateway on free loopback ports, once per session."""

from __future__ import annotations

import pytest

from stack.services import Stack, StackConfig, free_port


@pytest.fixture(scope="session")
def stack(model_path, tmp_path_factory):
    config = StackConfig(
        model=model_path,
        data_dir=tmp_path_factory.mktemp("ocop-var"),
        rasa_port=free_port(),
        action_port=free_port(),
        gateway_port=free_port(),
    )
    with Stack(config) as running:
        yield running
