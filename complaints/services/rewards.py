"""Rewards for verified tip-offs (有奖举报, seed 004 永川): 200–2000 yuan, the reporter told
within 10 days of the tip-off, the reward claimed within 20 working days of being told."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import REWARD_MAX_FEN, REWARD_MIN_FEN, Complaint, ComplaintEvent, Reward
from complaints.services.intake import policy_for
from complaints.services.timeline import check_district, event_add
from core import notifications, workdays
from core.workflow import Transition, Workflow

E = ComplaintEvent.Kind
R = Reward.Status

# seed 004 永川: "在接到举报之日起10日内…告知举报人…奖励情况" — 10 calendar days (日, not 工作日).
NOTICE_DAYS = 10

PAYING = Workflow(
    transitions=[
        Transition(
            "notify",
            {R.DECIDED},
            R.NOTIFIED,
            "reward.change",
            refusal=gettext_lazy("The reporter has already been told."),
        ),
        Transition(
            "claim",
            {R.NOTIFIED},
            R.CLAIMED,
            "reward.change",
            refusal=gettext_lazy("Only a reward the reporter was told about can be claimed."),
        ),
    ],
    refusal=gettext_lazy("This reward cannot take that step now."),
)


def reward_refusal(complaint: Complaint) -> str | None:
    """Why this tip-off cannot be rewarded, or None if it can."""
    if complaint.outcome == Complaint.Outcome.FALSE_REPORT:
        return _("A false report is never rewarded.")
    if complaint.outcome != Complaint.Outcome.SUBSTANTIATED:
        return _("Only a substantiated tip-off can be rewarded.")
    if not complaint.is_named:
        return _("An anonymous tip-off cannot be rewarded: the reporter left no name and phone.")
    if complaint.duplicate_of_id is not None:
        return _("Only the first report of a case is rewarded.")
    if complaint.duplicates.filter(received_at__lt=complaint.received_at).exists():
        return _("Only the first report of a case is rewarded: an earlier report was merged here.")
    return None


def reward_notice_due(complaint: Complaint) -> dt.date:
    """The date by which the reporter is told of the reward: 10 days after receipt."""
    received_on = timezone.localtime(complaint.received_at).date()
    return received_on + dt.timedelta(days=NOTICE_DAYS)


@transaction.atomic
def reward_decide(*, actor, complaint: Complaint, amount_fen: int) -> Reward:
    """Set the reward (200–2000 yuan) for a substantiated, named, first tip-off; the reporter
    must be told within 10 days of the tip-off (seed 004 永川)."""
    check_district(actor, complaint)
    # One reward per tip-off, even when two people decide at once.
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    refusal = reward_refusal(complaint)
    if refusal:
        raise ValidationError(refusal, code="not_rewardable")
    if not REWARD_MIN_FEN <= amount_fen <= REWARD_MAX_FEN:
        raise ValidationError({"amount_fen": _("A reward is between 200 and 2000 yuan.")})
    if Reward.objects.filter(complaint=complaint).exists():
        raise ValidationError(_("This tip-off already has a reward."))
    reward = Reward(
        complaint=complaint, amount_fen=amount_fen, notify_by=reward_notice_due(complaint)
    )
    reward.full_clean()
    reward.save()
    event_add(complaint, kind=E.REWARD, actor=actor, note=reward.get_status_display())
    return reward


def reward_allowed_steps(reward: Reward) -> list[str]:
    """The steps a reward may take now: tell the reporter once decided, claim once told."""
    return PAYING.open_to(reward)


def _check_day(day: dt.date, *, earliest: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})
    if day < earliest:
        raise ValidationError({field: _("This date is before %(date)s.") % {"date": earliest}})


@transaction.atomic
def reward_notify(*, actor, reward: Reward, notified_on: dt.date | None = None) -> Reward:
    """The reporter has been told by phone or SMS; the 20-working-day claim window starts."""
    step = PAYING.begin(reward, "notify", actor=actor)
    reward = step.record
    notified_on = notified_on or timezone.localdate()
    received_on = timezone.localtime(reward.complaint.received_at).date()
    _check_day(notified_on, earliest=received_on, field="notified_on")
    reward.notified_on = notified_on
    # seed 004 永川: claimed within 20 working days of the notice. The window is the
    # reporter's: a year the calendar does not know is reckoned in their favour.
    reward.claim_by = workdays.add_working_days(
        notified_on, policy_for(reward.bureau).claim_days, for_citizen=True
    )
    reward = step.finish(fields=["notified_on", "claim_by"])
    event_add(reward.complaint, kind=E.REWARD, actor=actor, note=reward.get_status_display())
    return reward


@transaction.atomic
def reward_claim(*, actor, reward: Reward, claimed_on: dt.date | None = None) -> Reward:
    """The reporter came in person with their ID card and collected the reward."""
    step = PAYING.begin(reward, "claim", actor=actor)
    reward = step.record
    claimed_on = claimed_on or timezone.localdate()
    _check_day(claimed_on, earliest=reward.notified_on, field="claimed_on")
    if claimed_on > reward.claim_by:
        raise ValidationError(_("The claim window has passed."))
    reward.claimed_on = claimed_on
    reward = step.finish(fields=["claimed_on"])
    event_add(reward.complaint, kind=E.REWARD, actor=actor, note=reward.get_status_display())
    return reward


def rewards_remind_notice(*, today: dt.date) -> int:
    """seed 004 永川: the reporter is told within 10 days; remind the district administrators
    of decided rewards whose reporter has not been told by then."""
    count = 0
    for reward in Reward.objects.filter(status=R.DECIDED, notify_by__lt=today).select_related(
        "complaint"
    ):
        count += notifications.notify_many(
            users=notifications.district_staff(reward.bureau_id, action="deadline.escalate"),
            bureau_id=reward.bureau_id,
            message=_("Tell the reporter of tip-off %(code)s about the reward: due %(due)s.")
            % {"code": reward.complaint.tracking_code, "due": reward.notify_by.isoformat()},
            link=f"/complaints/{reward.complaint_id}/",
            key=f"reward-notice:{reward.pk}",
        )
    return count


def rewards_expire(*, today: dt.date) -> int:
    """Rewards not claimed within the window expire (each once, even if two runs overlap)."""
    count = 0
    for reward in Reward.objects.filter(status=R.NOTIFIED, claim_by__lt=today):
        with transaction.atomic():
            locked = Reward.objects.select_for_update().filter(pk=reward.pk, status=R.NOTIFIED)
            reward = locked.select_related("complaint").first()
            if reward is None:
                continue
            reward.status = R.EXPIRED
            reward.save(update_fields=["status"])
            event_add(reward.complaint, kind=E.REWARD, note=reward.get_status_display())
            count += 1
    return count
