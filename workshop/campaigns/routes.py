"""Campaign pages: the facilitator's settings, leaderboard and nominations, the public campaign page
(report a carpool, nominate a good deed) and the phone's vote for the good deed award."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop.campaigns import service as campaigns
from workshop.campaigns.forms import CampaignSettingsForm, CarpoolForm, NominationForm
from workshop.campaigns.service import CampaignError
from workshop.core.ids import row_id
from workshop.db import get_db
from workshop.extensions import limiter
from workshop.sessions import service as sessions
from workshop.web import links
from workshop.web.forms import municipality_choices
from workshop.web.guards import current_participant, login_required, own_session
from workshop.web.labels import CAMPAIGN_ERRORS, SCREEN_PANEL_LABELS
from workshop.web.qr import qr_response

bp = Blueprint("campaigns", __name__)


def public_url(session) -> str | None:
    """The public campaign page's link, None while no campaign is on."""
    token = campaigns.settings_of(session).token
    return f"{links.base_url()}{url_for('campaigns.public_page', token=token)}" if token else None


# --- the facilitator ---------------------------------------------------------------------------

@bp.route("/f/sessions/<int:session_id>/campaigns", methods=["GET", "POST"])
@login_required
def organiser_page(session_id: int):
    session = own_session(session_id)
    db = get_db()
    form = CampaignSettingsForm()
    settings = campaigns.settings_of(session)
    if request.method == "GET":
        form.carpool.data, form.good_deed.data = settings.carpool_enabled, settings.good_deed_enabled
    elif form.validate_on_submit():
        campaigns.configure(db, session, form.carpool.data, form.good_deed.data)
        flash(_("Campaign settings saved."), "success")
        return redirect(url_for("campaigns.organiser_page", session_id=session.id))
    return render_template("facilitator/campaigns.html", session=session, form=form, settings=settings,
                           board=campaigns.leaderboard(db, session),
                           nominations=campaigns.nominations(db, session, include_hidden=True),
                           public_url=public_url(session))


@bp.route("/f/sessions/<int:session_id>/campaigns/<action>", methods=["POST"])
@login_required
def organiser_action(session_id: int, action: str):
    session = own_session(session_id)
    db = get_db()
    target = row_id(request.form.get("id"))
    try:
        if action == "delete-carpool":
            campaigns.delete_carpool(db, session, target)
        elif action in ("pick", "hide", "show"):
            nomination = campaigns.nomination_of(db, session, target)
            if action == "pick":
                campaigns.pick(db, session, nomination)
            else:
                campaigns.set_hidden(db, session, nomination, action == "hide")
        elif action in ("open-voting", "close-voting"):
            campaigns.set_voting(db, session, action == "open-voting")
        else:
            abort(404)
    except CampaignError as exc:
        flash(CAMPAIGN_ERRORS[exc.key], "error")
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("campaigns.organiser_page", session_id=session.id))


@bp.route("/f/sessions/<int:session_id>/screen-panel", methods=["POST"])
@login_required
def screen_panel(session_id: int):
    """What the projector shows besides the phase: feedback results, the leaderboard or the nominations."""
    session = own_session(session_id)
    try:
        campaigns.set_screen_panel(get_db(), session, request.form.get("panel") or None)
    except CampaignError as exc:
        flash(CAMPAIGN_ERRORS[exc.key], "error")
    else:
        flash(_("The projector view changed."), "success")
    back = request.form.get("back")
    if back not in ("feedback", "campaigns"):
        back = "campaigns"
    return redirect(url_for(f"{back}.organiser_page", session_id=session.id))


@bp.route("/f/sessions/<int:session_id>/campaigns/qr.svg")
@login_required
def qr(session_id: int):
    url = public_url(own_session(session_id))
    if url is None:
        abort(404)
    return qr_response(url)


# --- the public campaign page ------------------------------------------------------------------

def _public(token: str):
    session = campaigns.session_by_token(get_db(), token)
    if session is None:
        abort(404)
    return session


def _render_public(session, car_form=None, nomination_form=None, status=200):
    choices = municipality_choices(session)
    return render_template(
        "campaign/page.html", session=session, settings=campaigns.settings_of(session),
        car_form=car_form or CarpoolForm(prefix="car", municipality_choices=choices, formdata=None),
        nomination_form=nomination_form or NominationForm(prefix="nom", municipality_choices=choices, formdata=None),
        board=campaigns.leaderboard(get_db(), session) if campaigns.settings_of(session).carpool_enabled else None,
        kg_per_km=campaigns.CO2_KG_PER_KM), status


@bp.route("/campaign/<token>")
def public_page(token: str):
    return _render_public(_public(token))


@bp.route("/campaign/<token>/carpool", methods=["POST"])
@limiter.limit("20 per 10 minutes")
def report_carpool(token: str):
    session = _public(token)
    form = CarpoolForm(prefix="car", municipality_choices=municipality_choices(session))
    if not form.validate_on_submit():
        return _render_public(session, car_form=form, status=400)
    try:
        campaigns.report_carpool(get_db(), session, form.name.data, form.passengers.data, form.kilometres.data,
                                 form.municipality.data or None)
    except CampaignError as exc:
        flash(CAMPAIGN_ERRORS[exc.key], "error")
        return _render_public(session, car_form=form, status=400)
    flash(_("Thank you! Your car is on the leaderboard."), "success")
    return redirect(url_for("campaigns.public_page", token=token) + "#leaderboard")


@bp.route("/campaign/<token>/nominate", methods=["POST"])
@limiter.limit("20 per 10 minutes")
def nominate(token: str):
    session = _public(token)
    form = NominationForm(prefix="nom", municipality_choices=municipality_choices(session))
    if not form.validate_on_submit():
        return _render_public(session, nomination_form=form, status=400)
    try:
        campaigns.nominate(get_db(), session, form.nominee.data, form.deed.data, form.municipality.data or None)
    except CampaignError as exc:
        flash(CAMPAIGN_ERRORS[exc.key], "error")
        return _render_public(session, nomination_form=form, status=400)
    flash(_("Thank you for your nomination!"), "success")
    return redirect(url_for("campaigns.public_page", token=token))


# --- the phone: vote for the good deed award ----------------------------------------------------

@bp.route("/<joincode:code>/good-deed", methods=["POST"])
def phone_vote(code: str):
    db = get_db()
    session = sessions.open_session_by_code(db, code)
    participant = current_participant(session)
    if participant is None:
        return redirect(url_for("phone.join", code=code))
    try:
        campaigns.vote(db, session, participant, row_id(request.form.get("nomination")))
    except CampaignError as exc:
        flash(CAMPAIGN_ERRORS[exc.key], "error")
    else:
        flash(_("Your vote is saved."), "success")
    return redirect(url_for("phone.join", code=code) + "#good-deed")


# --- template helpers: the phone's and the projector's extra sections ----------------------------

@bp.app_context_processor
def campaign_helpers():
    def phone_state(session, participant):
        db = get_db()
        settings = campaigns.settings_of(session)
        voting = settings.good_deed_voting
        return {"voting": voting,
                "nominations": campaigns.nominations(db, session) if voting else [],
                "my_vote": campaigns.my_vote(db, session, participant) if voting else None,
                "campaign_url": url_for("campaigns.public_page", token=settings.token) if settings.token else None}

    def screen_state(session):
        db = get_db()
        return {"panel": campaigns.settings_of(session).screen_panel,
                "board": campaigns.leaderboard(db, session),
                "nominations": campaigns.nominations(db, session),
                "kg_per_km": campaigns.CO2_KG_PER_KM}

    def screen_panel_of(session):
        return campaigns.settings_of(session).screen_panel

    return {"outreach_phone": phone_state, "outreach_screen": screen_state, "screen_panel_of": screen_panel_of,
            "screen_panel_labels": SCREEN_PANEL_LABELS}
