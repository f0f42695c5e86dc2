"""The staff side of help requests: the inbox, one request, and the duty queue.

Every view of a request is a view of the person's record: it goes through
``get_survivor_or_404`` (audited), so staff who may not see her get 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import get_survivor_or_404, visibility
from ..clock import now
from ..extensions import db
from ..kept_pages import kept_page
from ..models import HelpRequest
from ..pagination import page_number, page_of
from ..rota.services import is_on_duty
from ..security import staff_required
from . import services
from .forms import AnswerForm, ResolveForm

bp = Blueprint("inbox", __name__, url_prefix="/console")


@bp.app_template_global()
def open_request_count() -> int:
    """How many open requests the signed-in staff member's inbox holds (shown in the navigation)."""
    return services.count_open(db.session, visibility(current_user))


@bp.app_template_global()
def may_see_duty_queue(staff) -> bool:
    """Supervisors, and case managers while the rota puts them on duty."""
    return staff.is_supervisor or is_on_duty(db.session, staff, now())


def get_request_or_404(request_id: int, action: str = "help_view") -> HelpRequest:
    """The request, if the signed-in staff member may see its person (audited); otherwise 404."""
    help_request = db.session.get(HelpRequest, request_id)
    if help_request is None:
        abort(404)
    get_survivor_or_404(help_request.survivor_id, action)
    return help_request


def _back_to(help_request: HelpRequest) -> str:
    """After an action without JavaScript: back to the inbox or the request, as the form says."""
    if request.form.get("next") == "inbox":
        return url_for("inbox.show_inbox")
    if request.form.get("next") == "duty":
        return url_for("inbox.show_duty_queue")
    return url_for("inbox.show_request", request_id=help_request.id)


def _requested_page() -> int:
    return request.args.get("page", 1, type=page_number)


def _inbox_page():
    """One page of the inbox: an organisation's open requests can be many."""
    return services.inbox_page(db.session, visibility(current_user), _requested_page())


@bp.get("/inbox")
@staff_required
@kept_page
def show_inbox():
    """Open requests of the people I may see, most urgent and oldest first."""
    requests = _inbox_page()
    return render_template("help/inbox.html", requests=requests, open_requests=requests.total, at=now())


@bp.get("/inbox/list")
@staff_required
@kept_page
def show_inbox_list():
    """The inbox list alone, refreshed by the page (it does not count as activity for the idle lock)."""
    return render_template("help/_inbox_list.html", requests=_inbox_page(), at=now())


def _request_page(help_request: HelpRequest, answer_form=None, resolve_form=None):
    db.session.commit()  # the audit event of this view
    return render_template(
        "help/staff_request.html",
        help_request=help_request,
        answer_form=answer_form or AnswerForm(),
        resolve_form=resolve_form or ResolveForm(),
        at=now(),
    )


@bp.get("/requests/<int:request_id>")
@staff_required
def show_request(request_id: int):
    """One request with her note, and what to do next."""
    return _request_page(get_request_or_404(request_id))


@bp.post("/requests/<int:request_id>/seen")
@staff_required
def acknowledge_request(request_id: int):
    """I have seen it: she sees "seen", and I am the one who answers."""
    help_request = get_request_or_404(request_id, action="help_seen")
    services.acknowledge(help_request, current_user._get_current_object(), now())
    db.session.commit()
    if request.headers.get("HX-Request"):
        return render_template("help/_request_row.html", help_request=help_request, at=now())
    return redirect(_back_to(help_request), code=303)


@bp.post("/requests/<int:request_id>/answered")
@staff_required
def answer_request(request_id: int):
    """I reached her: by phone, message or in person."""
    help_request = get_request_or_404(request_id, action="help_answered")
    form = AnswerForm()
    if form.validate_on_submit():
        services.mark_answered(help_request, current_user._get_current_object(), form.how.data, now())
        db.session.commit()
        return redirect(_back_to(help_request), code=303)
    return _request_page(help_request, answer_form=form)


@bp.post("/requests/<int:request_id>/resolve")
@staff_required
def resolve_request(request_id: int):
    """Close the request with a short outcome."""
    help_request = get_request_or_404(request_id, action="help_resolved")
    form = ResolveForm()
    if form.validate_on_submit():
        services.resolve(help_request, current_user._get_current_object(), form.outcome.data, now())
        db.session.commit()
        return redirect(_back_to(help_request), code=303)
    return _request_page(help_request, resolve_form=form)


@bp.get("/duty")
@staff_required
@kept_page
def show_duty_queue():
    """Requests nobody saw in time, and how long requests waited (supervisors and the case manager on duty)."""
    if not may_see_duty_queue(current_user):
        abort(404)
    at = now()
    return render_template(
        "help/duty.html",
        requests=page_of(db.session, services.duty_queue_query(current_user.organisation_id), _requested_page(), scalars=True),
        figures=services.waiting_times(db.session, current_user.organisation_id, at) if current_user.is_supervisor else None,
        at=at,
    )
