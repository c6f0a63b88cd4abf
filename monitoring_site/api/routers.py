from rest_framework.routers import SimpleRouter


class ApiRouter(SimpleRouter):
    """Routes without a trailing slash (``/monitors/12``), still answering when a client adds one."""

    def __init__(self) -> None:
        super().__init__(trailing_slash=False)
        self.trailing_slash = "/?"
