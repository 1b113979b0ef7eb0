class ApplicationError(Exception):
    """A rule of the domain was broken; the message is safe to show to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Exception):  # noqa: N818 - the name users and HTTP give it
    """Does not exist, or exists but is not the caller's to see: the same answer for both."""
