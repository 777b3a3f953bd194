"""Accounts, cohorts and the home page.

Cohort setup is for leads and admins: learners and mentors are refused (403) before any cohort is
looked at; a learner who is not in the cohort, or a cohort that does not exist, is hidden (404).
"""

from tests.permission_cases.common import (
    ANONYMOUS_ONLY,
    MANAGER_ACTION,
    MANAGERS,
    SIGNED_IN,
    STAFF,
    Case,
    everyone,
    other_lead,
)

LEARNERS_TOO = everyone(302, anonymous=200, learner=200)
MISSING = everyone(404, anonymous=302, learner=403, mentor=403)
MANAGER_PAGE_SHOWN_ON_POST = everyone(200, anonymous=302, learner=403, mentor=403)
LEARNER_ONLY = everyone(403, anonymous=302, learner=200)
# Her form again with its message (a wrong code or password); everyone else refused.
LEARNER_REFUSED = everyone(403, anonymous=302, learner=400)


def cohort_page(suffix: str) -> list[Case]:
    """A lead's page of cohort A, and of a cohort that does not exist."""
    return [
        Case(lambda w: f"/cohorts/{w.cohort_a.id}/{suffix}", other_lead(MANAGERS)),
        Case(lambda w: f"/cohorts/999999/{suffix}", MISSING),
    ]


def cohort_action(suffix: str, data: dict | None = None) -> list[Case]:
    return [
        Case(
            lambda w: f"/cohorts/{w.cohort_a.id}/{suffix}", other_lead(MANAGER_ACTION), method="POST", data=data or {}
        ),
        Case(lambda w: f"/cohorts/999999/{suffix}", MISSING, method="POST", data=data or {}),
    ]


def learner_cases(action: str, ok: dict[str, int], method: str = "GET", data: dict | None = None) -> list[Case]:
    """Cohort A's learner; cohort B's learner reached through cohort A (hidden); a missing learner."""
    data = data or {}
    return [
        Case(
            lambda w: f"/cohorts/{w.cohort_a.id}/learners/{w.learner_a.id}/{action}",
            other_lead(ok),
            method=method,
            data=data,
        ),
        Case(lambda w: f"/cohorts/{w.cohort_a.id}/learners/{w.learner_b.id}/{action}", MISSING, method, data),
        Case(lambda w: f"/cohorts/{w.cohort_a.id}/learners/999999/{action}", MISSING, method, data),
    ]


CASES: dict[str, list[Case]] = {
    "progress.home": [Case(lambda w: "/", SIGNED_IN)],
    "auth.login": [Case(lambda w: "/login", ANONYMOUS_ONLY)],
    "auth.logout": [Case(lambda w: "/logout", everyone(302), method="POST")],
    "auth.change_password": [Case(lambda w: "/account/password", SIGNED_IN)],
    # Her settings: everyone has message choices; only learners choose what lesson videos play first.
    "auth.settings": [
        Case(lambda w: "/account/settings", SIGNED_IN),
        Case(
            lambda w: "/account/settings", everyone(403, anonymous=302, learner=302), "POST", {"video_choice": "small"}
        ),
    ],
    # How each kind of message reaches her, and text messages on or off: everyone's own.
    "auth.message_channels": [
        Case(lambda w: "/account/messages", everyone(400, anonymous=302), "POST", {"feedback": "carrier-pigeon"})
    ],
    "auth.text_messages": [Case(lambda w: "/account/text-messages", everyone(302), "POST", {})],
    # The providers' callbacks: no one without the shared secret (none is configured in tests).
    "notifications.sms_replies": [
        Case(lambda w: "/sms/callbacks/tencent/replies", everyone(403), "POST", {}),
        Case(lambda w: "/sms/callbacks/nobody/replies", everyone(404), "POST", {}),
    ],
    "notifications.sms_receipts": [
        Case(lambda w: "/sms/callbacks/aliyun/receipts", everyone(403), "POST", {}),
        Case(lambda w: "/sms/callbacks/nobody/receipts", everyone(404), "POST", {}),
    ],
    "auth.sign_out_elsewhere": [Case(lambda w: "/account/sign-out-elsewhere", everyone(302), method="POST")],
    "auth.set_language": [Case(lambda w: "/language", everyone(302), method="POST", data={"lang": "en"})],
    "auth.accounts": [Case(lambda w: "/accounts", MANAGERS)],
    "auth.new_account": [Case(lambda w: "/accounts/new", MANAGERS)],
    "auth.setup_password": [Case(lambda w: "/setup-password", ANONYMOUS_ONLY)],
    "auth.forgot_password": [Case(lambda w: "/forgot-password", ANONYMOUS_ONLY)],
    "auth.reset_password": [Case(lambda w: "/reset-password", ANONYMOUS_ONLY)],
    # A text message's short link: only to one's own notification.
    "notifications.short_link": [Case(lambda w: "/n/999999", everyone(404, anonymous=302))],
    # Leads switch off learners and mentors; admins anyone but themselves; nobody else may.
    "auth.switch_off": [
        Case(lambda w: f"/accounts/{w.mentor_a.id}/switch-off", other_lead(MANAGERS, 403)),
        Case(lambda w: f"/accounts/{w.learner_b.id}/switch-off", MANAGERS),
        Case(lambda w: f"/accounts/{w.admin.id}/switch-off", everyone(403, anonymous=302)),
        Case(lambda w: f"/accounts/{w.lead.id}/switch-off", everyone(403, anonymous=302, admin=200)),
        Case(lambda w: "/accounts/999999/switch-off", everyone(404, anonymous=302, learner=403, mentor=403)),
        Case(
            lambda w: f"/accounts/{w.learner_a.id}/switch-off", MANAGER_ACTION, method="POST", data={"confirm": "yes"}
        ),
    ],
    "auth.end_other_session": [Case(lambda w: "/account/sessions/999999/end", everyone(302), method="POST")],
    # Ending every session of an account (it stays on): whom one may switch off.
    "auth.sign_out_everywhere": [
        Case(lambda w: f"/accounts/{w.mentor_a.id}/sign-out", other_lead(MANAGER_ACTION, 403), method="POST"),
        Case(lambda w: f"/accounts/{w.admin.id}/sign-out", everyone(403, anonymous=302), method="POST"),
        Case(lambda w: "/accounts/999999/sign-out", everyone(404, anonymous=302, learner=403, mentor=403), "POST"),
    ],
    "auth.sign_out_everyone": [
        Case(lambda w: "/accounts/sign-out-everyone", everyone(403, anonymous=302, admin=200)),
        Case(
            lambda w: "/accounts/sign-out-everyone",
            everyone(403, anonymous=302, admin=302),
            method="POST",
            data={"confirm": "yes"},
        ),
    ],
    "auth.switch_on": [
        Case(lambda w: f"/accounts/{w.mentor_a.id}/switch-on", MANAGER_ACTION, method="POST"),
        Case(lambda w: f"/accounts/{w.admin.id}/switch-on", everyone(403, anonymous=302), method="POST"),
        Case(lambda w: "/accounts/999999/switch-on", everyone(404, anonymous=302, learner=403, mentor=403), "POST"),
    ],
    # The second step of a sign-in: only a browser whose password was just right has a code to type.
    "auth.sign_in_code": [Case(lambda w: "/login/code", everyone(302))],
    # Sending the sign-in code again: only a browser whose sign-in waits for a texted code gets one.
    "auth.text_sign_in_code_again": [Case(lambda w: "/login/code/again", everyone(302), method="POST")],
    # A learner's texted sign-in codes: hers alone (staff have an authenticator).
    "auth.sign_in_texts": [Case(lambda w: "/account/sign-in-texts", LEARNER_ONLY)],
    "auth.send_turn_on_code": [
        Case(lambda w: "/account/sign-in-texts/send", everyone(403, anonymous=302, learner=302), method="POST")
    ],
    "auth.turn_on_sign_in_texts": [
        Case(lambda w: "/account/sign-in-texts/on", LEARNER_REFUSED, method="POST", data={"code": "000000"})
    ],
    "auth.turn_off_sign_in_texts": [
        Case(lambda w: "/account/sign-in-texts/off", LEARNER_REFUSED, method="POST", data={"password": "not hers"})
    ],
    "auth.sign_in_codes": [Case(lambda w: "/account/sign-in-codes", STAFF)],
    "auth.set_up_sign_in_codes": [
        Case(lambda w: "/account/sign-in-codes/setup", STAFF),
        Case(lambda w: "/account/sign-in-codes/setup", STAFF, method="POST", data={"code": "000000"}),
    ],
    "auth.new_recovery_codes": [Case(lambda w: "/account/sign-in-codes/recovery-codes", STAFF, method="POST")],
    "auth.turn_off_sign_in_codes": [Case(lambda w: "/account/sign-in-codes/off", STAFF, method="POST")],
    # Removing someone's sign-in codes (a lost phone): whom one may switch off.
    "auth.remove_sign_in_codes": [
        Case(lambda w: f"/accounts/{w.mentor_a.id}/sign-in-codes/remove", other_lead(MANAGERS, 403)),
        Case(lambda w: f"/accounts/{w.admin.id}/sign-in-codes/remove", everyone(403, anonymous=302)),
        Case(lambda w: f"/accounts/{w.lead.id}/sign-in-codes/remove", everyone(403, anonymous=302, admin=200)),
        Case(lambda w: "/accounts/999999/sign-in-codes/remove", everyone(404, anonymous=302, learner=403, mentor=403)),
        Case(
            lambda w: f"/accounts/{w.mentor_a.id}/sign-in-codes/remove",
            other_lead(MANAGER_ACTION, 403),
            method="POST",
            data={"confirm": "yes"},
        ),
    ],
    "auth.security_events": [
        Case(lambda w: "/security-events", everyone(403, anonymous=302, admin=200)),
        Case(
            lambda w: f"/security-events?kind=sign_in&person={w.learner_a.id}", everyone(403, anonymous=302, admin=200)
        ),
    ],
    # A signed-in learner may join one more cohort with its code; staff are sent home.
    "cohorts.join": [
        Case(lambda w: "/join", LEARNERS_TOO),
        Case(lambda w: f"/join/{w.cohort_a.invite_code}", LEARNERS_TOO),
    ],
    "cohorts.index": [Case(lambda w: "/cohorts", STAFF)],
    "cohorts.new_program": [Case(lambda w: "/programs/new", MANAGERS)],
    "cohorts.new_cohort": [Case(lambda w: "/cohorts/new", MANAGERS)],
    "cohorts.detail": [
        Case(lambda w: f"/cohorts/{w.cohort_a.id}", other_lead(STAFF)),
        # Cohort B is not the mentor's: it is hidden from them.
        Case(lambda w: f"/cohorts/{w.cohort_b.id}", everyone(200, anonymous=302, learner=403, mentor=404)),
        Case(lambda w: "/cohorts/999999", everyone(404, anonymous=302, learner=403)),
    ],
    "cohorts.edit_cohort": cohort_page("edit"),
    "cohorts.invite_settings": cohort_page("invite"),
    "cohorts.switch_invite": [*cohort_action("invite/disable"), *cohort_action("invite/enable")],
    "cohorts.import_learners": cohort_page("import"),
    "cohorts.cohort_courses": [
        *cohort_page("courses"),
        *cohort_action("courses"),
    ],
    "cohorts.import_template": [Case(lambda w: "/cohorts/import/template.csv?headers=zh", MANAGERS)],
    # Without a preview waiting in the session, confirming sends the lead back to the upload page.
    "cohorts.confirm_import": cohort_action("import/confirm", {"token": "x" * 32}),
    "cohorts.import_result": cohort_page("import/result"),
    # Without codes to show, the download sends the lead back to the result page.
    "cohorts.import_result_csv": [
        Case(lambda w: f"/cohorts/{w.cohort_a.id}/import/result.csv", MANAGER_ACTION),
        Case(lambda w: "/cohorts/999999/import/result.csv", MISSING),
    ],
    "cohorts.forget_import_codes": cohort_action("import/result/forget"),
    "cohorts.move_learner": learner_cases("move", MANAGERS),
    "cohorts.withdraw_learner": learner_cases("withdraw", MANAGERS),
    "cohorts.pair_mentor": learner_cases("mentor", MANAGER_ACTION, "POST", {"mentor_id": "0"}),
    "cohorts.new_setup_code": learner_cases("setup-code", MANAGER_PAGE_SHOWN_ON_POST, "POST"),
    "cohorts.regenerate_invite": [
        Case(lambda w: f"/cohorts/{w.cohort_a.id}/invite-code", MANAGER_ACTION, method="POST")
    ],
    "cohorts.assign_mentor": [
        Case(
            lambda w: f"/cohorts/{w.cohort_a.id}/mentors",
            MANAGER_ACTION,
            method="POST",
            data={"mentor_id": "0"},
        )
    ],
    "cohorts.unassign_mentor": [
        Case(
            lambda w: f"/cohorts/{w.cohort_a.id}/mentors/{w.mentor_a.id}/remove",
            MANAGER_ACTION,
            method="POST",
        ),
        Case(
            lambda w: f"/cohorts/{w.cohort_a.id}/mentors/{w.learner_a.id}/remove",
            everyone(404, anonymous=302, learner=403, mentor=403),
            method="POST",
        ),
    ],
}
