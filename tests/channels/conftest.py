from tests.fakes.fixtures import *  # noqa: F401,F403
