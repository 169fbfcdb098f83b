"""Translated names of the product's fixed vocabulary (backgrounds, phases)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

BACKGROUND_LABELS = {
    "ngo": _l("NGO or association"),
    "officer": _l("Municipal officer"),
    "elected": _l("Elected official or decision-maker"),
    "parish": _l("Parish"),
    "business": _l("Business"),
    "resident": _l("Resident"),
    "other": _l("Other"),
}

PHASE_LABELS = {
    "lobby": _l("Joining"),
    "info": _l("Information"),
    "qa": _l("Questions"),
    "grouping": _l("Grouping"),
    "groupwork": _l("Group work"),
    "voting": _l("Voting"),
    "presentation": _l("Presentation"),
    "plan": _l("Municipal plans"),
    "feedback": _l("Feedback"),
    "closed": _l("Closed"),
}

# What a phone shows while the facilitator runs a phase that has no phone task yet ("grouping-ready": the
# grouping phase once this phone knows its group).
PHASE_PHONE_TEXT = {
    "lobby": _l("Welcome! The workshop starts soon. Keep this page open."),
    "info": _l("Information part: listen to the speakers. Questions and polls appear here."),
    "qa": _l("Questions to the panel: ask your own and upvote the ones you want answered."),
    "grouping": _l("Groups are being formed. Your group appears here soon."),
    "grouping-ready": _l("Your group is ready: find your group's table and sit down together."),
    "groupwork": _l("Group work: discuss your group's question at your table."),
    "voting": _l("Voting: pick your group's three most important points."),
    "presentation": _l("Presentation: each group presents its three most important points."),
    "plan": _l("Plan-making: your municipality's group agrees on concrete actions."),
    "feedback": _l("Feedback: tell us how the evening went."),
    "closed": _l("Thank you for taking part! The workshop has ended."),
}

STRATEGY_LABELS = {
    "mixed": _l("Mixed: municipalities and backgrounds mixed, new people each round"),
    "home": _l("Home groups by municipality (for plan-making)"),
    "random": _l("Random"),
    "manual": _l("Manual: I place people myself"),
}

SIZE_MODE_LABELS = {
    "size": _l("People per group"),
    "count": _l("Number of groups"),
}

COLOUR_LABELS = {
    "green": _l("green"), "blue": _l("blue"), "red": _l("red"), "purple": _l("purple"),
    "orange": _l("orange"), "brown": _l("brown"), "teal": _l("turquoise"), "pink": _l("pink"),
    "grey": _l("grey"), "navy": _l("navy blue"), "olive": _l("olive"), "black": _l("black"),
}

SESSION_ERRORS = {
    "closed": _l("This workshop is closed."),
    "unknown_phase": _l("Unknown phase."),
    "locked": _l("The facilitator has closed this workshop to new participants. Ask the facilitator."),
    "full": _l("This workshop is full."),
    "bad_municipality": _l("Choose your municipality."),
    "bad_background": _l("Choose your background."),
    "name_too_long": _l("At most 60 characters."),
    "organisation_too_long": _l("At most 120 characters."),
    "control": _l("Remove control characters."),
}

ROUND_ERRORS = {
    "no_participants": _l("Nobody is present yet, so there is no one to group."),
    "bad_strategy": _l("Choose how to group."),
    "size_or_count": _l("Give either the group size or the number of groups."),
    "bad_size": _l("Give a number between 1 and 60."),
    "already_published": _l("This round is already published; create a new round instead."),
    "no_group": _l("That group does not exist in this round."),
    "not_in_round": _l("That person is not in this round."),
    "bad_questions": _l("Choose a question (add themes and questions to the workshop first)."),
    "label_too_long": _l("At most 60 characters."),
    "control": _l("Remove control characters."),
    "bad_rounds": _l("Give a number between 1 and 12."),
    "no_plan": _l("No planned rounds are left: plan the mixed rounds first."),
}

TIMER_ERRORS = {
    "unknown_action": _l("Unknown timer action."),
    "bad_minutes": _l("Give the minutes as a whole number between 1 and 600."),
    "label_too_long": _l("A timer label can have 200 characters at most."),
    "unknown_item": _l("Choose an item of this workshop's agenda."),
    "not_running": _l("The timer is not running."),
    "not_paused": _l("The timer is not paused."),
    "no_timer": _l("Start the timer first."),
    "too_long": _l("The timer can run for 600 minutes at most."),
    "closed": _l("This workshop is closed."),
    "control": _l("Remove control characters."),
}

VOTING_LABELS = {
    "not_started": _l("not started"),
    "open": _l("open"),
    "closed": _l("closed"),
}

QUESTION_MODE_LABELS = {
    "same": _l("All groups discuss the same question"),
    "per_group": _l("One question per group, in order"),
    "rotating": _l("Rotating: groups move on to the next question when you say"),
}

NOTE_ERRORS = {
    "empty": _l("Write something first."),
    "too_long": _l("A note can have at most 280 characters."),
    "control": _l("The note contains characters that cannot be shown."),
    "bad_id": _l("The note could not be identified. Reload the page."),
    "not_writing": _l("Notes can be written only during group work."),
    "no_group": _l("You are not in a group yet."),
    "too_fast": _l("You are writing very fast. Wait a moment and send again."),
    "not_found": _l("That note is not available."),
    "bad_merge": _l("Choose another note of the same group to merge into."),
    "bad_vote": _l("The vote could not be read. Reload the page."),
    "voting_closed": _l("Voting is not open for your group."),
    "no_votes_left": _l("You have used all three votes. Take one back first."),
    "already_voted": _l("You already gave this note a vote."),
    "not_voted": _l("You have not voted for this note."),
    "voting_not_closed": _l("Close the voting first."),
    "bad_pick": _l("Choose exactly as many of the tied notes as there are places left."),
    "bad_results": _l("Choose how the results are shown."),
    "bad_request": _l("The request could not be read. Reload the page."),
    "not_your_member": _l("You can write and vote only for a member of your own group who has no phone."),
    "has_phone": _l("This member has a phone of their own and writes and votes on it."),
    "member_no_votes_left": _l("This member has used all three votes. Take one back first."),
}

# Results hidden until revealed (polls, votes, Q&A share the words): running results, or only once revealed.
RESULTS_MODE_LABELS = {
    "live": _l("Show results live"),
    "reveal": _l("Show results only when I reveal them"),
}

POLL_KIND_LABELS = {
    "choice": _l("Multiple choice (2–8 options)"),
    "words": _l("Word cloud (up to 3 short answers each)"),
}

POLL_ERRORS = {
    "too_fast": _l("You are answering very fast. Wait a moment and try again."),
    "no_poll": _l("That poll does not exist in this workshop."),
    "poll_closed": _l("This poll is closed, so answers are no longer accepted."),
    "session_closed": _l("This workshop is closed."),
    "not_participant": _l("You are not a participant of this workshop. Join with the code first."),
    "bad_kind": _l("Choose the kind of poll."),
    "bad_question": _l("Write a question of at most 300 characters."),
    "option_count": _l("Give 2–8 options, one per line."),
    "option_too_long": _l("An option can have 120 characters at most."),
    "option_twice": _l("Each option can appear only once."),
    "control_chars": _l("Remove control characters."),
    "wrong_kind": _l("This poll does not take that kind of answer."),
    "bad_choice": _l("Choose one of the options."),
    "empty_answer": _l("Write a word or two."),
    "answer_too_long": _l("An answer can have 60 characters at most."),
    "too_many_words": _l("Write one or two words per answer."),
    "word_limit": _l("You have already given 3 answers to this question."),
    "word_twice": _l("You already gave this word."),
    "bad_results": _l("Choose how the results are shown."),
}

PLAN_STATUS_LABELS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "dropped": _l("Dropped"),
}

PLAN_ERRORS = {
    "what_missing": _l("Write what will be done."),
    "what_too_long": _l("Describe the action in at most 500 characters."),
    "owner_too_long": _l("The owner can have at most 200 characters."),
    "due_too_long": _l("The due date or term can have at most 60 characters."),
    "comment_too_long": _l("A comment can have at most 500 characters."),
    "control": _l("The text contains characters that cannot be shown."),
    "bad_status": _l("Choose a status from the list."),
    "bad_municipality": _l("Choose one of the workshop's municipalities."),
    "bad_source": _l("That note is not available."),
    "not_yours": _l("You can edit only your own municipality's plan."),
    "not_found": _l("That action is not available."),
    "series_name": _l("Give the series a name."),
    "too_fast": _l("You are saving very fast. Wait a moment and try again."),
    "closed": _l("This workshop is closed."),
    "bad_request": _l("The request could not be read. Reload the page."),
}

REUSE_ERRORS = {
    "name_missing": _l("Write a name."),
    "name_too_long": _l("At most 200 characters."),
    "control": _l("Remove control characters."),
    "not_found": _l("Not found."),
    "not_yours": _l("Only the facilitator who saved this template can delete it."),
    "empty_series": _l("This series has no workshop to start from yet."),
}

THEME_ERRORS = {
    "no_round": _l("Publish a round of groups first: themes are found in a round's notes."),
    "no_notes": _l("The groups of this round have written no notes yet."),
    "not_found": _l("Not found."),
    "pick_two": _l("Choose at least two themes to merge."),
    "label_missing": _l("Write a name."),
    "label_too_long": _l("At most 120 characters."),
    "control": _l("Remove control characters."),
}

QA_ERRORS = {
    "closed": _l("Questions are not open right now."),
    "empty": _l("Write your question."),
    "too_long": _l("A question can have at most 300 characters."),
    "control": _l("Remove control characters."),
    "name_too_long": _l("At most 60 characters."),
    "not_found": _l("That question is not available."),
    "own_question": _l("You cannot upvote your own question."),
    "bad_merge": _l("Choose another question to merge into, one that is not merged itself."),
    "bad_setting": _l("Choose one of the options."),
    "too_fast": _l("You are sending very fast. Wait a moment and try again."),
    "bad_request": _l("The request could not be read. Reload the page."),
}

# The results-visibility setting, the same words for polls, votes and the Q&A.
RESULTS_MODE_LABELS = {
    "live": _l("Show results live"),
    "reveal": _l("Show results only when I reveal them"),
}

TEAM_ERRORS = {
    "no_such_facilitator": _l("No facilitator of this installation has that email address. "
                              "Ask them to get an account first."),
    "already_owner": _l("That is the workshop's owner, already in charge of everything."),
    "already_member": _l("That person is already in the team."),
    "bad_role": _l("Choose a role."),
    "bad_email": _l("Enter a valid email address."),
    "account_exists": _l("An account with this email address exists already: log in to accept the invitation."),
    "not_found": _l("Not found."),
}

TEAM_ROLE_LABELS = {
    "owner": _l("owner"),
    "facilitator": _l("facilitator: runs everything but deleting the workshop"),
    "assistant": _l("assistant: the door, moderation and the timer"),
    "observer": _l("observer: reads the run sheet and the exports"),
}

# The workshop's history (team page, JSON export): what a facilitator's change was, by endpoint.
AUDIT_LABELS = {
    "facilitator.change_phase": _l("Changed the phase"),
    "facilitator.edit_session": _l("Edited the workshop"),
    "facilitator.close": _l("Closed the workshop"),
    "facilitator.lock": _l("Locked or opened the room"),
    "facilitator.rotate_screen_link": _l("Made a new projector link"),
    "grouping.rounds_page": _l("Formed groups"),
    "grouping.round_action": _l("Changed a round"),
    "grouping.plan_rounds": _l("Planned the rounds"),
    "grouping.plan_action": _l("Changed the planned rounds"),
    "grouping.mark_absent": _l("Marked someone absent or present"),
    "grouping.add_without_phone": _l("Added someone without a phone"),
    "board.assign_questions": _l("Gave the groups their questions"),
    "board.voting_control": _l("Opened or closed voting"),
    "board.moderate": _l("Moderated a note"),
    "board.remove_participant": _l("Removed a participant"),
    "board.pick": _l("Decided a tie"),
    "board.present": _l("Moved the presentation"),
    "board.settings": _l("Changed the voting settings"),
    "board.vote_results": _l("Changed how the vote results are shown"),
    "board.reveal_votes": _l("Revealed the vote results"),
    "timer.timer_action": _l("Used the timer"),
    "polls.polls_page": _l("Made a poll"),
    "polls.poll_action": _l("Changed a poll"),
    "plans.plan_action": _l("Changed a municipal plan"),
    "registration.organiser_page": _l("Changed the registration settings"),
    "themes.find": _l("Found the common themes"),
    "themes.show": _l("Showed or hid the common themes"),
    "team.team_page": _l("Added someone to the team"),
    "team.member_action": _l("Changed the team"),
    "team.invite": _l("Invited someone to the team by email link"),
    "team.revoke_invite": _l("Withdrew an invitation to the team"),
    "team.accept_invite": _l("Joined the team by an invitation link"),
}

LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def municipality_label(code: str, lang: str) -> str:
    from flask_babel import gettext

    from workshop.core import municipalities
    if code == "other":
        return gettext("Other municipality")
    m = municipalities.get(code)
    return m.name(lang) if m else code


# --- registrations, feedback, campaigns ------------------------------------------------------------

DIET_LABELS = {
    "lactose_free": _l("Lactose-free"),
    "milk_free": _l("Milk-free"),
    "gluten_free": _l("Gluten-free"),
    "vegetarian": _l("Vegetarian"),
    "vegan": _l("Vegan"),
    "other": _l("Other dietary needs"),
}

REGISTRATION_STATUS_LABELS = {
    "confirmed": _l("Confirmed"),
    "waiting": _l("On the waiting list"),
    "cancelled": _l("Cancelled"),
}

REGISTRATION_ERRORS = {
    "closed": _l("Registration for this workshop has closed."),
    "duplicate_email": _l("This email address is already registered for this workshop. Use the link in your confirmation to see or cancel that registration."),  # noqa: E501  (one msgid)
    "name_missing": _l("Enter your name."),
    "contact_missing": _l("Give an email address or a phone number, so we can send you reminders."),
    "bad_municipality": _l("Choose your municipality."),
    "bad_background": _l("Choose your background."),
    "bad_diet": _l("Choose dietary needs from the list."),
    "control": _l("The text contains characters that cannot be shown."),
    "bad_capacity": _l("Give the capacity as a number between 1 and 5000, or leave it empty."),
    "not_found": _l("That registration is not available."),
    "no_match": _l("No registration matches. Check the code on your confirmation, or simply fill in the form."),
    # Too long for its column (the form refuses it first, with the same message).
    **{f"{field}_too_long": _l("At most %(max)d characters.", max=limit) for field, limit in (
        ("name", 120), ("email", 254), ("phone", 40), ("organisation", 120), ("diet_other", 200),
        ("accessibility", 500))},
}

FEEDBACK_QUESTION_LABELS = {
    "overall": _l("Overall, how was the evening? (1 = poor, 5 = excellent)"),
    "most_useful": _l("What was most useful?"),
    "should_change": _l("What should change?"),
    "come_again": _l("Would you come again?"),
}

COME_AGAIN_LABELS = {"yes": _l("Yes"), "maybe": _l("Maybe"), "no": _l("No")}

FEEDBACK_ERRORS = {
    "not_open": _l("Feedback is not open right now."),
    "already": _l("You have already given feedback. Thank you!"),
    "empty": _l("Answer at least one question."),
    "bad_overall": _l("Choose a rating from 1 to 5."),
    "bad_come_again": _l("Choose yes, maybe or no."),
    "too_long": _l("An answer can have at most 1000 characters."),
    "question_too_long": _l("A question can have at most 300 characters."),
    "no_questions": _l("Ask at least one question."),
    "control": _l("The text contains characters that cannot be shown."),
    "bad_request": _l("The request could not be read. Reload the page."),
}

SCREEN_PANEL_LABELS = {
    "": _l("Nothing extra"),
    "feedback_results": _l("Feedback results"),
    "carpool": _l("Carpool leaderboard"),
    "good_deed": _l("Good deed nominations"),
}

CAMPAIGN_ERRORS = {
    "carpool_off": _l("The carpool contest is not on for this workshop."),
    "good_deed_off": _l("Good deed nominations are not open for this workshop."),
    "car_name_missing": _l("Give your car a name, e.g. the drivers' names or your village."),
    "car_name_too_long": _l("The name can have at most 80 characters."),
    "bad_passengers": _l("Give the number of people in the car (1–9), the driver included."),
    "bad_kilometres": _l("Give the kilometres as a whole number between 1 and 1000."),
    "nominee_missing": _l("Name the person or group you nominate."),
    "nominee_too_long": _l("The nominee can have at most 120 characters."),
    "deed_missing": _l("Describe the good deed."),
    "deed_too_long": _l("The description can have at most 1000 characters."),
    "bad_municipality": _l("Choose one of the workshop's municipalities."),
    "voting_closed": _l("Voting for the good deed award is not open."),
    "not_found": _l("That nomination is not available."),
    "control": _l("The text contains characters that cannot be shown."),
    "bad_request": _l("The request could not be read. Reload the page."),
}


def tie_message(group: int, top: dict | None) -> str | None:
    """What a tie leaves the facilitator to decide in one group's top 3 (`top` as top_payload gives it),
    or None when nothing is pending."""
    if not top or not top.get("tied"):
        return None
    first = len(top["places"]) + 1
    last = first + top["open_places"] - 1
    count = len(top["tied"])
    if first == last:
        return _("Group %(group)s: tie for place %(place)s between %(count)s notes — choose one.",
                 group=group, place=first, count=count)
    return _("Group %(group)s: tie for places %(first)s–%(last)s between %(count)s notes — choose %(pick)s.",
             group=group, first=first, last=last, count=count, pick=top["open_places"])
