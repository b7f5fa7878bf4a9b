"""IAM groups: create, get (with members), list, delete (DeleteConflict), membership."""

from __future__ import annotations

from conftest import error_status, expect_modelled, unique


def test_group_lifecycle_and_membership(tenant, iam):
    group = unique("admins")
    created = iam.create_group(GroupName=group, Path="/ops/")["Group"]
    assert created["Arn"] == f"arn:aws:iam::{tenant.account_id}:group/ops/{group}"
    assert created["GroupId"].startswith("AGPA")
    err = expect_modelled(iam, lambda: iam.create_group(GroupName=group.upper()), "EntityAlreadyExistsException")
    assert error_status(err) == 409

    users = sorted(unique("member") for _ in range(3))
    for user in users:
        iam.create_user(UserName=user)
        iam.add_user_to_group(GroupName=group, UserName=user)
    iam.add_user_to_group(GroupName=group, UserName=users[0])  # idempotent
    got = iam.get_group(GroupName=group)
    assert got["Group"]["GroupName"] == group
    assert [u["UserName"] for u in got["Users"]] == users
    page = iam.get_group(GroupName=group, MaxItems=2)
    assert page["IsTruncated"] and len(page["Users"]) == 2
    rest = iam.get_group(GroupName=group, Marker=page["Marker"])
    assert [u["UserName"] for u in page["Users"] + rest["Users"]] == users

    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=users[1])["Groups"]] == [group]
    assert group in [g["GroupName"] for g in iam.list_groups(PathPrefix="/ops/")["Groups"]]
    assert group not in [g["GroupName"] for g in iam.list_groups(PathPrefix="/other/")["Groups"]]

    err = expect_modelled(iam, lambda: iam.delete_group(GroupName=group), "DeleteConflictException")
    assert "remove users" in err.response["Error"]["Message"]
    for user in users:
        iam.remove_user_from_group(GroupName=group, UserName=user)
    expect_modelled(iam, lambda: iam.remove_user_from_group(GroupName=group, UserName=users[0]), "NoSuchEntityException")
    iam.attach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    iam.put_group_policy(GroupName=group, PolicyName="inline", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')
    expect_modelled(iam, lambda: iam.delete_group(GroupName=group), "DeleteConflictException")
    iam.delete_group_policy(GroupName=group, PolicyName="inline")
    expect_modelled(iam, lambda: iam.delete_group(GroupName=group), "DeleteConflictException")
    iam.detach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/IAMReadOnlyAccess")
    iam.delete_group(GroupName=group)
    expect_modelled(iam, lambda: iam.get_group(GroupName=group), "NoSuchEntityException")


def test_missing_group_or_user(iam):
    err = expect_modelled(iam, lambda: iam.get_group(GroupName="no-such-group"), "NoSuchEntityException")
    assert err.response["Error"]["Message"] == "The group with name no-such-group cannot be found."
    group = unique("g")
    iam.create_group(GroupName=group)
    expect_modelled(iam, lambda: iam.add_user_to_group(GroupName=group, UserName="no-such-user"), "NoSuchEntityException")
    expect_modelled(iam, lambda: iam.list_groups_for_user(UserName="no-such-user"), "NoSuchEntityException")
    expect_modelled(iam, lambda: iam.delete_group(GroupName="no-such-group"), "NoSuchEntityException")


def test_at_most_ten_groups_per_user(iam):
    user = unique("joiner")
    iam.create_user(UserName=user)
    for _ in range(10):
        group = unique("g")
        iam.create_group(GroupName=group)
        iam.add_user_to_group(GroupName=group, UserName=user)
    extra = unique("g")
    iam.create_group(GroupName=extra)
    err = expect_modelled(iam, lambda: iam.add_user_to_group(GroupName=extra, UserName=user), "LimitExceededException")
    assert "GroupsPerUser" in err.response["Error"]["Message"]


def test_group_policies_apply_to_members(tenant, iam):
    group = unique("readers")
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn="arn:aws:iam::aws:policy/PersimmonPersonalizeReadOnlyAccess")
    user = tenant.create_user()
    from conftest import expect_error

    expect_error(lambda: user.personalize.list_dataset_groups(), "AccessDeniedException")
    iam.add_user_to_group(GroupName=group, UserName=user.name)
    user.personalize.list_dataset_groups()
    iam.remove_user_from_group(GroupName=group, UserName=user.name)
    expect_error(lambda: user.personalize.list_dataset_groups(), "AccessDeniedException")
