"""Login profiles: console passwords, stored only as a slow salted hash."""

from __future__ import annotations

from conftest import error_status, expect_modelled, unique


def test_create_get_update_delete(iam):
    user = unique("console")
    iam.create_user(UserName=user)
    profile = iam.create_login_profile(UserName=user, Password="correct-horse-battery", PasswordResetRequired=True)["LoginProfile"]
    assert profile["UserName"] == user
    assert profile["PasswordResetRequired"] is True
    assert profile["CreateDate"].tzinfo is not None
    assert "Password" not in profile
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"] is True
    err = expect_modelled(iam, lambda: iam.create_login_profile(UserName=user, Password="another-password-1"), "EntityAlreadyExistsException")
    assert error_status(err) == 409
    iam.update_login_profile(UserName=user, Password="a-new-password-2", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName=user)["LoginProfile"]["PasswordResetRequired"] is False
    iam.delete_login_profile(UserName=user)
    expect_modelled(iam, lambda: iam.get_login_profile(UserName=user), "NoSuchEntityException")
    expect_modelled(iam, lambda: iam.delete_login_profile(UserName=user), "NoSuchEntityException")
    expect_modelled(iam, lambda: iam.update_login_profile(UserName=user, Password="whatever-123"), "NoSuchEntityException")


def test_password_policy_and_missing_user(iam):
    user = unique("weak")
    iam.create_user(UserName=user)
    err = expect_modelled(iam, lambda: iam.create_login_profile(UserName=user, Password="short"), "PasswordPolicyViolationException")
    assert error_status(err) == 400
    expect_modelled(iam, lambda: iam.create_login_profile(UserName="ghost-user", Password="long-enough-password"), "NoSuchEntityException")


def test_the_password_never_appears_in_the_audit_trail(tenant, iam):
    user = unique("secretive")
    iam.create_user(UserName=user)
    password = "Unmistakable-Passw0rd-7Q"
    iam.create_login_profile(UserName=user, Password=password)
    trail = tenant.client("cloudtrail")
    events = trail.lookup_events(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateLoginProfile"}])["Events"]
    assert events
    assert all(password not in event["CloudTrailEvent"] for event in events)
    assert password not in "\n".join(tenant.server.stdout_lines) + "\n".join(tenant.server.stderr_lines)
