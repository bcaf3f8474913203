"""One step a page takes on a POST (approve a registration, mark a session live, ...): what
happened, or why it could not, as a message on the page it goes back to."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from confman.core.exceptions import DomainError


def step_run(
    request: HttpRequest,
    step: Callable[[], "str | HttpResponse"],
    back: str,
    *,
    shown: Callable[[DomainError], bool] = lambda exc: True,
) -> HttpResponse:
    """Run `step`: its answer (text) as a success message, or the DomainError it raised as an
    error message, then back to `back`; a step may answer with a response of its own instead.
    An error that `shown` does not accept is raised, for its own error page (a 403, a 404)."""
    try:
        answer = step()
    except DomainError as exc:
        if not shown(exc):
            raise
        messages.error(request, exc.message)
        return HttpResponseRedirect(back)
    if isinstance(answer, HttpResponse):
        return answer
    messages.success(request, answer)
    return HttpResponseRedirect(back)
